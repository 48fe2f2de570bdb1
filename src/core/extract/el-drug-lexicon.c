/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "el-drug-lexicon.h"

/* Sorted, lower-case. Generic and brand names of common inpatient drugs. */
static const char *const drugs[] = {
  "acetaminophen",
  "acetazolamide",
  "acetylcysteine",
  "acyclovir",
  "adenosine",
  "advair",
  "advil",
  "albuterol",
  "aldactone",
  "aleve",
  "allopurinol",
  "alprazolam",
  "alteplase",
  "ambien",
  "amikacin",
  "amiodarone",
  "amitriptyline",
  "amlodipine",
  "amoxicillin",
  "ampicillin",
  "ampicillin sulbactam",
  "ancef",
  "apixaban",
  "argatroban",
  "aripiprazole",
  "aspart",
  "aspirin",
  "atenolol",
  "ativan",
  "atorvastatin",
  "atrovent",
  "augmentin",
  "azithromycin",
  "aztreonam",
  "bacitracin",
  "bactrim",
  "benadryl",
  "bethanechol",
  "bicarbonate",
  "bisacodyl",
  "bivalirudin",
  "brilinta",
  "budesonide",
  "bumetanide",
  "bumex",
  "buprenorphine",
  "bupropion",
  "buspirone",
  "calcium",
  "calcium carbonate",
  "calcium gluconate",
  "captopril",
  "carbamazepine",
  "carbidopa",
  "cardene",
  "cardizem",
  "carvedilol",
  "cefazolin",
  "cefdinir",
  "cefepime",
  "cefoxitin",
  "ceftaroline",
  "ceftazidime",
  "ceftriaxone",
  "cefuroxime",
  "celebrex",
  "celecoxib",
  "cephalexin",
  "chlorthalidone",
  "cipro",
  "ciprofloxacin",
  "cisatracurium",
  "citalopram",
  "clarithromycin",
  "clindamycin",
  "clonazepam",
  "clonidine",
  "clopidogrel",
  "codeine",
  "colace",
  "colchicine",
  "compazine",
  "coreg",
  "coumadin",
  "crestor",
  "cyanocobalamin",
  "cyclosporine",
  "cymbalta",
  "dabigatran",
  "dapagliflozin",
  "daptomycin",
  "decadron",
  "degludec",
  "demerol",
  "depakote",
  "detemir",
  "dexamethasone",
  "dexmedetomidine",
  "dextrose",
  "diamox",
  "diazepam",
  "diflucan",
  "digoxin",
  "dilantin",
  "dilaudid",
  "diltiazem",
  "diphenhydramine",
  "dobutamine",
  "docusate",
  "dofetilide",
  "donepezil",
  "dopamine",
  "doxycycline",
  "dulcolax",
  "duloxetine",
  "duoneb",
  "eliquis",
  "empagliflozin",
  "enalapril",
  "enoxaparin",
  "entresto",
  "epinephrine",
  "epoetin",
  "ertapenem",
  "erythromycin",
  "escitalopram",
  "esmolol",
  "esomeprazole",
  "etomidate",
  "ezetimibe",
  "famotidine",
  "farxiga",
  "fentanyl",
  "ferrous",
  "ferrous sulfate",
  "filgrastim",
  "finasteride",
  "flagyl",
  "flomax",
  "fluconazole",
  "fludrocortisone",
  "fluoxetine",
  "fluticasone",
  "folic acid",
  "fondaparinux",
  "fosphenytoin",
  "furosemide",
  "gabapentin",
  "ganciclovir",
  "gentamicin",
  "glargine",
  "glipizide",
  "glucagon",
  "glucophage",
  "glyburide",
  "haldol",
  "haloperidol",
  "heparin",
  "humalog",
  "humulin",
  "hydralazine",
  "hydrochlorothiazide",
  "hydrocodone",
  "hydrocortisone",
  "hydromorphone",
  "hydroxyzine",
  "ibuprofen",
  "imipenem",
  "insulin",
  "insulin aspart",
  "insulin glargine",
  "insulin lispro",
  "ipratropium",
  "irbesartan",
  "iron",
  "isosorbide",
  "isosorbide mononitrate",
  "januvia",
  "jardiance",
  "kcl",
  "keflex",
  "keppra",
  "ketamine",
  "ketorolac",
  "klonopin",
  "labetalol",
  "lacosamide",
  "lactated ringers",
  "lactulose",
  "lamotrigine",
  "lantus",
  "lasix",
  "levaquin",
  "levemir",
  "levetiracetam",
  "levodopa",
  "levofloxacin",
  "levophed",
  "levothyroxine",
  "lexapro",
  "lidocaine",
  "linezolid",
  "lipitor",
  "liraglutide",
  "lisinopril",
  "lispro",
  "lithium",
  "loperamide",
  "lopressor",
  "lorazepam",
  "losartan",
  "lovenox",
  "lyrica",
  "macrobid",
  "magnesium",
  "magnesium oxide",
  "magnesium sulfate",
  "mannitol",
  "melatonin",
  "memantine",
  "meperidine",
  "meropenem",
  "metformin",
  "methadone",
  "methotrexate",
  "methylprednisolone",
  "metoclopramide",
  "metolazone",
  "metoprolol",
  "metronidazole",
  "micafungin",
  "midazolam",
  "milrinone",
  "minocycline",
  "miralax",
  "mirtazapine",
  "montelukast",
  "morphine",
  "motrin",
  "moxifloxacin",
  "multivitamin",
  "mupirocin",
  "mycophenolate",
  "nafcillin",
  "naloxone",
  "naproxen",
  "narcan",
  "neosynephrine",
  "neurontin",
  "nexium",
  "nicardipine",
  "nifedipine",
  "nitro",
  "nitrofurantoin",
  "nitroglycerin",
  "nitroglycerin paste",
  "norco",
  "norepinephrine",
  "normal saline",
  "nortriptyline",
  "norvasc",
  "novolin",
  "novolog",
  "nystatin",
  "olanzapine",
  "omeprazole",
  "ondansetron",
  "oseltamivir",
  "oxybutynin",
  "oxycodone",
  "ozempic",
  "pantoprazole",
  "paracetamol",
  "paroxetine",
  "penicillin",
  "pepcid",
  "percocet",
  "phenergan",
  "phenylephrine",
  "phenytoin",
  "piperacillin",
  "piperacillin tazobactam",
  "plavix",
  "polyethylene",
  "polyethylene glycol",
  "potassium",
  "potassium chloride",
  "pradaxa",
  "pravastatin",
  "precedex",
  "prednisolone",
  "prednisone",
  "pregabalin",
  "prilosec",
  "prochlorperazine",
  "promethazine",
  "propofol",
  "propranolol",
  "protonix",
  "proventil",
  "prozac",
  "quetiapine",
  "reglan",
  "regular",
  "regular insulin",
  "remdesivir",
  "rifampin",
  "risperdal",
  "risperidone",
  "rivaroxaban",
  "rocephin",
  "rocuronium",
  "rosuvastatin",
  "roxicodone",
  "sacubitril",
  "semaglutide",
  "senna",
  "sennosides",
  "seroquel",
  "sertraline",
  "simethicone",
  "simvastatin",
  "sinemet",
  "singulair",
  "sitagliptin",
  "sodium",
  "sodium bicarbonate",
  "sodium chloride",
  "solumedrol",
  "sotalol",
  "spiriva",
  "spironolactone",
  "suboxone",
  "succinylcholine",
  "sucralfate",
  "sulfamethoxazole",
  "symbicort",
  "synthroid",
  "tacrolimus",
  "tamiflu",
  "tamsulosin",
  "tapentadol",
  "thiamine",
  "ticagrelor",
  "tigecycline",
  "tiotropium",
  "tobramycin",
  "topiramate",
  "toprol",
  "toradol",
  "torsemide",
  "tramadol",
  "trazodone",
  "tresiba",
  "trimethoprim",
  "tylenol",
  "ultram",
  "unasyn",
  "valacyclovir",
  "valium",
  "valproate",
  "valsartan",
  "vanco",
  "vancomycin",
  "vasopressin",
  "vecuronium",
  "venlafaxine",
  "ventolin",
  "verapamil",
  "versed",
  "vicodin",
  "vitamin d",
  "vitamin k",
  "voriconazole",
  "warfarin",
  "wellbutrin",
  "xanax",
  "xarelto",
  "zithromax",
  "zocor",
  "zofran",
  "zoloft",
  "zolpidem",
  "zosyn",
  "zyprexa",
  "zyvox",
};

static GHashTable *
lexicon_table (void)
{
  static gsize once = 0;
  static GHashTable *table = NULL;

  if (g_once_init_enter (&once))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (drugs); i++)
        g_hash_table_add (t, (gpointer) drugs[i]);
      table = t;
      g_once_init_leave (&once, 1);
    }
  return table;
}

gboolean
el_drug_lexicon_contains (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);
  return g_hash_table_contains (lexicon_table (), name);
}

const char *
el_drug_lexicon_match (const char *const *words, guint n_words, guint *n_used)
{
  GHashTable *table = lexicon_table ();

  g_return_val_if_fail (words != NULL || n_words == 0, NULL);

  for (guint n = MIN (n_words, 3); n >= 1; n--)
    {
      char key[256];
      gsize len = 0;
      gboolean fits = TRUE;
      const char *found;

      for (guint i = 0; i < n && fits; i++)
        {
          gsize wl = strlen (words[i]);
          if (len + wl + 2 > sizeof key)
            fits = FALSE;
          else
            {
              if (i > 0)
                key[len++] = ' ';
              memcpy (key + len, words[i], wl);
              len += wl;
            }
        }
      if (!fits)
        continue;
      key[len] = '\0';
      found = g_hash_table_lookup (table, key);
      if (found != NULL)
        {
          if (n_used != NULL)
            *n_used = n;
          return found;
        }
    }
  return NULL;
}

guint
el_edit_distance (const char *a, const char *b, guint cap)
{
  gsize la = strlen (a), lb = strlen (b);
  guint row[64];

  if ((la > lb ? la - lb : lb - la) > cap)
    return cap + 1;
  if (lb >= G_N_ELEMENTS (row) || la >= G_N_ELEMENTS (row))
    return strcmp (a, b) == 0 ? 0 : cap + 1;
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0], best;

      row[0] = (guint) i;
      best = row[0];
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint v = diag + (a[i - 1] == b[j - 1] ? 0 : 1);

          v = MIN (v, up + 1);
          v = MIN (v, row[j - 1] + 1);
          row[j] = v;
          diag = up;
          best = MIN (best, v);
        }
      if (best > cap)
        return cap + 1;
    }
  return MIN (row[lb], cap + 1);
}

const char *
el_drug_lexicon_nearest (const char *word, guint max_distance, guint *distance)
{
  const char *best = NULL;
  guint best_d = max_distance + 1;

  g_return_val_if_fail (word != NULL, NULL);

  if (el_drug_lexicon_contains (word))
    {
      if (distance != NULL)
        *distance = 0;
      return g_hash_table_lookup (lexicon_table (), word);
    }
  for (guint i = 0; i < G_N_ELEMENTS (drugs); i++)
    {
      guint d;

      if (strchr (drugs[i], ' ') != NULL)
        continue;
      d = el_edit_distance (word, drugs[i], best_d - 1 < max_distance ? best_d - 1 : max_distance);
      if (d < best_d)
        {
          best_d = d;
          best = drugs[i];
        }
    }
  if (best != NULL && distance != NULL)
    *distance = best_d;
  return best;
}

guint
el_drug_lexicon_size (void)
{
  return G_N_ELEMENTS (drugs);
}
