#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the nursing-handoff language model corpus: one spoken sentence per line, lower case, no
punctuation, numbers as they are said ("one hundred thirty two over eighty four").

Templates of handoff phrasing (SBAR and I-PASS sections, patient intros, vitals, diagnoses, drugs
with doses, routes and times, lines and drains, code status, allergies, isolation, fall risk, pending
items, if/then contingencies, self-corrections, negations) are expanded with a fixed seed, so the
corpus and the model built from it are the same on every build.

The test texts in tests/data/speech are written in other words and must stay out of this corpus
(tests/speech checks it).

Abbreviations spelled out letter by letter ("i v", "d n r") are written as one token each ("i_v",
"d_n_r"; see ACRONYMS).

Usage: gen-corpus.py OUTPUT [N_SENTENCES]
"""
import random
import sys

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spell(n, use_and=False):
    """An integer 0..9999 as spoken; 'one hundred and twelve' when use_and."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        head = ONES[n // 100] + " hundred"
        if rest == 0:
            return head
        return head + (" and " if use_and else " ") + spell(rest)
    if n < 10000 and n % 1000 == 0:
        return ONES[n // 1000] + " thousand"
    if n < 10000:
        rest = n % 1000
        return ONES[n // 1000] + " thousand " + spell(rest, use_and)
    raise ValueError(n)


def spell_any(n):
    return spell(n, random.random() < 0.35)


def decimal(whole, tenth):
    return spell(whole) + " point " + ONES[tenth]


def clock(hour, minute=0):
    """Military time as nurses say it: 'twenty two hundred', 'oh six hundred', 'fourteen thirty'."""
    h = ("oh " + ONES[hour]) if hour < 10 else spell(hour)
    if hour == 0:
        h = "zero"
    if minute == 0:
        return h + " hundred"
    return h + " " + spell(minute)


def r(seq):
    return random.choice(seq)


SHE = [("she", "her", "her"), ("he", "his", "him")]

FIRST_NAMES = ["maria", "john", "linda", "robert", "patricia", "james", "susan", "michael", "karen",
               "david", "nancy", "thomas", "helen", "george", "dorothy", "frank", "betty", "joseph",
               "ruth", "charles", "anna", "peter", "grace", "walter", "rose", "henry", "alice",
               "samuel", "emily", "daniel", "sarah", "paul", "carol", "mark", "julia", "kevin"]
LAST_NAMES = ["garcia", "smith", "johnson", "brown", "miller", "davis", "wilson", "moore", "taylor",
              "anderson", "thomas", "jackson", "white", "harris", "martin", "thompson", "lee",
              "walker", "hall", "allen", "young", "king", "wright", "lopez", "hill", "scott", "green",
              "adams", "baker", "nelson", "carter", "mitchell", "roberts", "turner", "phillips",
              "campbell", "parker", "evans", "edwards", "collins", "stewart", "morris", "nguyen",
              "patel", "kim", "chen", "rivera", "cooper", "reed", "cook", "bell", "murphy", "bailey"]
TITLES = ["mister", "missus", "miss", "doctor"]

DIAGNOSES = ["pneumonia", "community acquired pneumonia", "sepsis", "urosepsis", "septic shock",
             "a c o p d exacerbation", "c h f exacerbation", "congestive heart failure",
             "acute kidney injury", "a urinary tract infection", "cellulitis of the left leg",
             "cellulitis of the right leg", "a small bowel obstruction", "pancreatitis",
             "diabetic ketoacidosis", "a g i bleed", "an upper g i bleed", "a stroke",
             "a t i a", "chest pain", "a non stemi", "atrial fibrillation with rapid ventricular response",
             "a fall at home", "a hip fracture", "a left hip fracture", "a right hip fracture",
             "a total knee replacement", "a total hip replacement", "an appendectomy",
             "a bowel resection", "a cholecystectomy", "altered mental status", "delirium",
             "alcohol withdrawal", "a pulmonary embolism", "a d v t", "asthma exacerbation",
             "hyperkalemia", "hyponatremia", "hypoglycemia", "syncope", "a seizure",
             "dehydration", "failure to thrive", "a c diff infection", "an abscess",
             "respiratory failure", "shortness of breath", "abdominal pain", "a post op ileus",
             "covid pneumonia", "influenza", "anemia", "a hemorrhagic stroke", "renal failure"]
HISTORY = ["diabetes", "type two diabetes", "type one diabetes", "hypertension", "c o p d", "c h f",
           "heart failure", "chronic kidney disease", "end stage renal disease on dialysis",
           "atrial fibrillation", "a fib", "coronary artery disease", "a prior stroke", "dementia",
           "asthma", "obesity", "sleep apnea", "hypothyroidism", "depression", "anxiety",
           "cirrhosis", "alcohol use", "a history of falls", "peripheral vascular disease",
           "high cholesterol", "gerd", "osteoarthritis", "parkinsons", "seizures", "cancer",
           "breast cancer", "prostate cancer", "lung cancer"]

# (name, dose choices, routes, frequencies)
DRUGS = [
    ("vancomycin", ["one gram", "one point five grams", "one thousand two hundred fifty milligrams", "seven hundred fifty milligrams"], ["i v"]),
    ("piperacillin tazobactam", ["three point three seven five grams", "four point five grams"], ["i v"]),
    ("zosyn", ["three point three seven five grams", "four point five grams"], ["i v"]),
    ("ceftriaxone", ["one gram", "two grams"], ["i v"]),
    ("cefazolin", ["one gram", "two grams"], ["i v"]),
    ("cefepime", ["one gram", "two grams"], ["i v"]),
    ("meropenem", ["one gram", "five hundred milligrams"], ["i v"]),
    ("levofloxacin", ["seven hundred fifty milligrams", "five hundred milligrams"], ["i v", "p o", "by mouth"]),
    ("metronidazole", ["five hundred milligrams"], ["i v", "p o", "by mouth"]),
    ("heparin", ["five thousand units"], ["subcu", "subcutaneous"]),
    ("heparin drip", ["at twelve units per kilo per hour", "at eighteen units per kilo per hour"], ["i v"]),
    ("enoxaparin", ["forty milligrams", "thirty milligrams", "one milligram per kilo"], ["subcu", "subcutaneous"]),
    ("lovenox", ["forty milligrams", "thirty milligrams"], ["subcu"]),
    ("metoprolol", ["twenty five milligrams", "fifty milligrams", "five milligrams", "twelve point five milligrams"], ["p o", "i v push", "i v"]),
    ("lisinopril", ["ten milligrams", "twenty milligrams", "five milligrams"], ["p o", "by mouth"]),
    ("amlodipine", ["five milligrams", "ten milligrams"], ["p o", "by mouth"]),
    ("furosemide", ["forty milligrams", "twenty milligrams", "eighty milligrams"], ["i v", "i v push", "p o"]),
    ("lasix", ["forty milligrams", "twenty milligrams", "eighty milligrams"], ["i v", "i v push", "p o"]),
    ("insulin glargine", ["twenty units", "ten units", "fifteen units", "thirty units"], ["subcu"]),
    ("insulin lispro", ["per sliding scale", "four units", "six units"], ["subcu"]),
    ("insulin", ["per sliding scale", "four units", "six units", "eight units"], ["subcu"]),
    ("acetaminophen", ["six hundred fifty milligrams", "one gram", "five hundred milligrams"], ["p o", "i v", "p r"]),
    ("tylenol", ["six hundred fifty milligrams", "one gram"], ["p o", "by mouth"]),
    ("morphine", ["two milligrams", "four milligrams", "one milligram"], ["i v", "i v push"]),
    ("hydromorphone", ["zero point five milligrams", "one milligram", "two milligrams"], ["i v", "p o", "by mouth"]),
    ("dilaudid", ["zero point five milligrams", "one milligram"], ["i v"]),
    ("oxycodone", ["five milligrams", "ten milligrams"], ["p o", "by mouth"]),
    ("ondansetron", ["four milligrams"], ["i v", "p o", "by mouth"]),
    ("zofran", ["four milligrams"], ["i v", "p o", "by mouth"]),
    ("pantoprazole", ["forty milligrams"], ["i v", "p o", "by mouth"]),
    ("potassium chloride", ["twenty milliequivalents", "forty milliequivalents", "ten milliequivalents"], ["p o", "i v"]),
    ("magnesium sulfate", ["two grams", "one gram"], ["i v"]),
    ("warfarin", ["five milligrams", "two point five milligrams", "three milligrams"], ["p o", "by mouth"]),
    ("apixaban", ["five milligrams", "two point five milligrams"], ["p o", "by mouth"]),
    ("eliquis", ["five milligrams", "two point five milligrams"], ["p o", "by mouth"]),
    ("albuterol", ["two point five milligrams", "one nebulizer"], ["nebulized", "inhaled"]),
    ("prednisone", ["forty milligrams", "twenty milligrams", "sixty milligrams"], ["p o", "by mouth"]),
    ("dexamethasone", ["six milligrams", "ten milligrams", "four milligrams"], ["i v", "p o", "by mouth"]),
    ("labetalol", ["ten milligrams", "twenty milligrams"], ["i v push", "i v"]),
    ("hydralazine", ["ten milligrams", "twenty milligrams"], ["i v push", "i v"]),
    ("norepinephrine", ["at four micrograms per minute", "at eight micrograms per minute", "at two micrograms per minute"], ["i v"]),
    ("levophed", ["at four micrograms per minute", "at six micrograms per minute"], ["i v"]),
    ("gabapentin", ["three hundred milligrams", "one hundred milligrams"], ["p o", "by mouth"]),
    ("atorvastatin", ["forty milligrams", "eighty milligrams", "twenty milligrams"], ["p o", "by mouth"]),
    ("aspirin", ["eighty one milligrams", "three hundred twenty five milligrams"], ["p o", "by mouth"]),
    ("clopidogrel", ["seventy five milligrams"], ["p o", "by mouth"]),
    ("nitroglycerin", ["zero point four milligrams", "one inch of paste"], ["sublingual", "topical"]),
    ("normal saline", ["at seventy five an hour", "at one hundred an hour", "a one liter bolus", "five hundred milliliters"], ["i v"]),
    ("lactated ringers", ["at one hundred twenty five an hour", "a one liter bolus"], ["i v"]),
    ("lorazepam", ["one milligram", "zero point five milligrams", "two milligrams"], ["i v", "p o", "by mouth"]),
    ("ativan", ["one milligram", "zero point five milligrams"], ["i v", "p o", "by mouth"]),
    ("haloperidol", ["two milligrams", "five milligrams"], ["i v", "i m"]),
    ("docusate", ["one hundred milligrams"], ["p o", "by mouth"]),
    ("senna", ["eight point six milligrams", "two tablets"], ["p o", "by mouth"]),
]
FREQ = ["every six hours", "every eight hours", "every twelve hours", "every four hours as needed",
        "twice a day", "once a day", "daily", "at bedtime", "every four hours", "q six",
        "q eight", "q twelve", "as needed for pain", "as needed for nausea", "with meals", "b i d",
        "t i d"]
ALLERGENS = [("penicillin", ["hives", "a rash", "anaphylaxis", "swelling"]),
             ("sulfa", ["a rash", "hives"]), ("sulfa drugs", ["a rash"]),
             ("codeine", ["nausea", "vomiting", "itching"]), ("morphine", ["itching", "nausea"]),
             ("latex", ["a rash", "hives"]), ("shellfish", ["anaphylaxis", "swelling"]),
             ("iodine contrast", ["hives"]), ("contrast dye", ["hives"]),
             ("amoxicillin", ["a rash"]), ("vancomycin", ["red man syndrome", "flushing"]),
             ("aspirin", ["wheezing"]), ("peanuts", ["anaphylaxis"]), ("eggs", ["hives"]),
             ("cephalosporins", ["a rash"]), ("ibuprofen", ["swelling"]), ("tape", ["skin tears"])]
LINES = ["a twenty gauge i v in the left forearm", "a twenty gauge in the right hand",
         "an eighteen gauge in the left a c", "an eighteen gauge i v in the right antecubital",
         "a twenty two gauge in the left hand", "a picc line in the right arm",
         "a double lumen picc in the left arm", "a central line in the right i j",
         "a triple lumen central line", "a port in the right chest", "an arterial line",
         "an art line in the left radial", "a foley catheter", "a foley draining clear yellow urine",
         "a foley draining amber urine", "a jackson pratt drain", "a j p drain with serous output",
         "a chest tube to suction", "a chest tube to water seal", "an n g tube to low intermittent suction",
         "a nasogastric tube", "a peg tube", "a g tube with tube feeds at sixty an hour",
         "a rectal tube", "a wound vac", "a midline in the left arm", "two peripheral i vs",
         "a hemodialysis catheter", "a nephrostomy tube", "an ostomy", "a colostomy"]
CODE = ["full code", "d n r", "d n i", "d n r d n i", "comfort care", "comfort care only",
        "d n r but okay to intubate", "no code", "a full code", "do not resuscitate",
        "do not intubate", "hospice"]
ISOLATION = ["contact", "droplet", "airborne", "contact plus", "enteric contact", "neutropenic",
             "standard", "contact and droplet"]
ISO_REASON = ["for m r s a", "for c diff", "for v r e", "for covid", "for flu", "for t b",
              "for e s b l", "for influenza", "for r s v", "rule out t b"]
PENDING = ["a c t of the head", "a c t of the abdomen", "a c t scan", "a chest x ray",
           "an x ray of the hip", "an m r i of the brain", "an m r i", "an ultrasound",
           "an echo", "an echocardiogram", "blood cultures", "urine culture", "a sputum culture",
           "a repeat lactate", "a troponin", "repeat troponins", "a b m p", "a c b c",
           "morning labs", "a potassium level", "a magnesium level", "an i n r", "a type and screen",
           "a urinalysis", "a cardiology consult", "a nephrology consult", "a surgery consult",
           "a g i consult", "an infectious disease consult", "a p t consult", "an o t evaluation",
           "a speech and swallow evaluation", "a social work consult", "a case management consult",
           "a wound care consult", "a psych consult", "a vanc trough", "a vancomycin trough",
           "an e k g", "an e e g", "a stress test", "a dialysis session", "the hemoglobin recheck"]
RESULT_VERBS = ["is pending", "is still pending", "are pending", "was ordered", "has been ordered",
                "is scheduled for the morning", "is scheduled for", "still needs to be done",
                "came back negative", "came back positive", "was sent", "has been sent",
                "results are not back yet"]
WHO = ["the resident", "the doctor", "the hospitalist", "the attending", "the rapid response team",
       "rapid response", "the on call provider", "the provider", "the surgeon", "the intensivist",
       "the charge nurse", "the house officer", "the n p", "the p a", "cardiology", "the team"]
SEX = ["female", "male", "woman", "man", "lady", "gentleman"]
UNITS_ROOM = ["room", "bed", "bay"]
O2 = ["on room air", "on two liters nasal cannula", "on three liters nasal cannula",
      "on four liters nasal cannula", "on one liter nasal cannula", "on two liters",
      "on a non rebreather", "on high flow", "on high flow at forty liters", "on bipap", "on cpap",
      "on forty percent venti mask", "on a face mask", "on six liters", "on five liters nasal cannula",
      "on the vent", "on a ventilator"]
PAIN_PLACES = ["in the abdomen", "in the chest", "in the incision", "in the left hip",
               "in the right hip", "in the back", "in the head", "in the leg", "at the incision site",
               "in the knee", "in the shoulder"]
SYMPTOMS = ["pain", "chest pain", "shortness of breath", "nausea", "vomiting", "dizziness",
            "headache", "numbness", "tingling", "fever", "chills", "abdominal pain", "cough",
            "diarrhea", "constipation", "palpitations", "any complaints"]
ASSESS = ["alert and oriented times four", "alert and oriented times three",
          "alert and oriented times two", "alert and oriented", "confused", "more confused than baseline",
          "at baseline mentation", "lethargic but arousable", "sleeping comfortably", "restless",
          "agitated", "calm and cooperative", "following commands", "able to make needs known",
          "ambulating with assistance", "ambulating with a walker", "up with one assist",
          "up with two assist", "bedbound", "on bed rest", "turning every two hours",
          "tolerating a regular diet", "tolerating clear liquids", "n p o after midnight", "n p o",
          "on a cardiac diet", "on a diabetic diet", "voiding without difficulty",
          "lungs clear bilaterally", "crackles in the bases", "diminished breath sounds in the bases",
          "wheezing", "bowel sounds present", "last bowel movement yesterday",
          "skin intact", "a stage two pressure injury on the sacrum", "edema in both legs",
          "plus two pitting edema", "incision clean dry and intact", "dressing clean dry and intact",
          "in sinus rhythm", "in normal sinus rhythm", "in a fib", "in a fib with rate in the hundreds",
          "sinus tach", "on telemetry", "on tele", "neuro checks every four hours",
          "blood sugar has been running high", "blood sugars in the two hundreds"]
RELATIVES = ["daughter", "son", "wife", "husband", "family", "sister", "brother", "mother",
             "father", "partner", "niece", "granddaughter", "power of attorney"]


def vital_bp():
    return spell_any(random.randint(70, 200)) + " over " + spell(random.randint(40, 110))


def vital_temp():
    if random.random() < 0.8:
        return decimal(random.choice([36, 37, 37, 38, 38, 39, 40, 35]), random.randint(0, 9))
    return decimal(random.randint(96, 103), random.randint(0, 9))


def vital_phrase():
    t = random.randint(0, 13)
    if t == 0:
        return r(["temperature", "temp", "her temperature", "his temperature", "temp max", "t max",
                  "the temp"]) + r([" ", " is ", " was ", " of "]) + vital_temp()
    if t == 1:
        return r(["blood pressure", "b p", "pressure", "her pressure", "his pressure", "blood pressure is",
                  "b p is", "b p was", "pressures have been", "blood pressure was"]) + " " + vital_bp()
    if t == 2:
        return r(["heart rate", "h r", "pulse", "heart rate is", "heart rate was", "heart rates",
                  "heart rate has been", "rate"]) + " " + spell_any(random.randint(40, 170))
    if t == 3:
        return r(["sat", "sats", "sating", "saturating", "o two sat", "oxygen saturation", "pulse ox",
                  "sat is", "sats are", "sat was", "spo two"]) + " " + spell(random.randint(82, 100)) + \
            r([" percent", "", " percent", " percent"]) + " " + r(O2)
    if t == 4:
        return r(["respiratory rate", "resp rate", "respirations", "r r", "respiratory rate is",
                  "breathing at"]) + " " + spell(random.randint(8, 40))
    if t == 5:
        return r(["pain", "pain is", "pain was", "pain score", "rates her pain", "rates his pain",
                  "pain level"]) + " " + ONES[random.randint(0, 10)] + " out of ten" + \
            r(["", "", " " + r(PAIN_PLACES)])
    if t == 6:
        return r(["blood sugar", "blood glucose", "glucose", "finger stick", "accucheck", "sugar was",
                  "blood sugar was", "glucose is"]) + " " + spell_any(random.randint(40, 450))
    if t == 7:
        return r(["urine output", "output", "u o"]) + " " + r(["was", "has been", "is", ""]) + " " + \
            spell(random.choice([20, 30, 40, 50, 100, 150, 200, 250, 300, 400, 500, 600, 800])) + \
            " " + r(["milliliters", "mls", "cc", "cc an hour", "milliliters over the shift", "mls for the shift"])
    if t == 8:
        return r(["weight", "weight is", "weight today", "daily weight"]) + " " + \
            spell(random.randint(40, 150)) + r([" kilos", " kilograms", " point " + ONES[random.randint(0, 9)] + " kilograms"])
    if t == 9:
        return r(["potassium", "k", "potassium was", "potassium is", "potassium this morning"]) + " " + \
            decimal(random.randint(2, 6), random.randint(0, 9))
    if t == 10:
        return r(["hemoglobin", "h and h", "hemoglobin was", "hemoglobin is", "hgb", "hemoglobin dropped to"]) + \
            " " + decimal(random.randint(5, 15), random.randint(0, 9))
    if t == 11:
        return r(["lactate", "lactic", "lactate was", "lactate is"]) + " " + \
            decimal(random.randint(0, 8), random.randint(0, 9))
    if t == 12:
        return r(["white count", "w b c", "white count is", "white count was"]) + " " + \
            r([spell(random.randint(2, 30)), decimal(random.randint(2, 30), random.randint(0, 9))])
    return r(["creatinine", "creatinine is", "creatinine was", "i n r", "i n r is"]) + " " + \
        decimal(random.randint(0, 6), random.randint(0, 9))


def patient_intro():
    p = r(SHE)
    name = r([r(TITLES) + " " + r(LAST_NAMES), r(FIRST_NAMES) + " " + r(LAST_NAMES), r(FIRST_NAMES)])
    age = spell(random.randint(18, 99))
    room = r(UNITS_ROOM) + " " + r([spell(random.randint(1, 40)), spell(random.randint(100, 999)),
                                    spell(random.randint(1, 30)) + " " + r(["a", "b"]),
                                    ONES[random.randint(1, 9)] + " " + spell(random.randint(10, 40))])
    dx = r(DIAGNOSES)
    forms = [
        f"this is {name} in {room}",
        f"{name} in {room} is a {age} year old {r(SEX)} admitted with {dx}",
        f"{room} is {name} a {age} year old {r(SEX)} here for {dx}",
        f"i am giving report on {name} in {room}",
        f"next is {room} {name}",
        f"next patient is in {room}",
        f"moving on to {room}",
        f"{name} is {age} years old admitted {r(['yesterday', 'today', 'two days ago', 'last night', 'this morning', 'on monday', 'on friday'])} for {dx}",
        f"{p[0]} is a {age} year old {r(SEX)} with a history of {r(HISTORY)} and {r(HISTORY)}",
        f"{age} year old {r(SEX)} admitted for {dx}",
        f"{p[0]} came in through the e d with {dx}",
        f"{p[0]} came up from the e d {r(['last night', 'this afternoon', 'at noon', 'around ' + clock(random.randint(0, 23))])}",
        f"{p[0]} was admitted with {dx} and has a history of {r(HISTORY)}",
        f"{p[0]} is post op day {ONES[random.randint(0, 5)]} from {r(['a total knee replacement', 'a total hip replacement', 'an appendectomy', 'a bowel resection', 'a cholecystectomy', 'a hip repair', 'a laminectomy', 'a c section'])}",
        f"{p[2]} diagnosis is {dx}",
        f"{p[1]} primary diagnosis is {dx}",
        f"past medical history of {r(HISTORY)} {r(HISTORY)} and {r(HISTORY)}",
        f"{p[0]} has a history of {r(HISTORY)}",
        f"{p[0]} is {age}",
        f"{name} is a {age} year old {r(SEX)} who came in with {dx}",
        f"{p[0]} is a {r(SEX)} who was admitted {r(['yesterday', 'overnight', 'on tuesday'])} with {dx}",
        f"when {p[0]} came in {p[1]} {r(['sugar', 'pressure', 'lactate', 'heart rate', 'white count'])} was {spell_any(random.randint(2, 450))}",
        f"when {p[0]} arrived {p[0]} was {r(['hypotensive', 'confused', 'febrile', 'tachycardic', 'in a lot of pain'])}",
        f"{p[0]} is in {room}",
        f"patient is a {age} year old {r(SEX)}",
    ]
    return r(forms)


def section_sentence():
    forms = [
        "situation", "background", "assessment", "recommendation", "recommendations",
        "for the situation", "for background", "for assessment", "my assessment",
        "my recommendation is", "my recommendations are", "the situation is", "background is",
        "illness severity", "illness severity is stable", "illness severity is watcher",
        "illness severity is unstable", "patient summary", "action list", "action items",
        "situation awareness", "situation awareness and contingency planning",
        "synthesis by receiver", "synthesis by the receiver", "s bar", "starting with the situation",
        "for the s bar", "using i pass", "i pass handoff", "the action list is",
        "in terms of situation awareness", "for the patient summary", "to summarize",
        "any questions", "do you have any questions", "can you read that back", "read back",
        "let me read that back", "so to read back", "got it", "okay", "that is all i have",
        "that is it for this patient", "that is everything", "next patient",
        "stable overnight", "stable for now", "she is stable", "he is stable", "she is a watcher",
        "he is a watcher", "this patient is unstable", "no acute events overnight",
        "uneventful shift", "quiet night", "rough night", "busy shift",
    ]
    return r(forms)


def drug_sentence():
    name, doses, routes = r(DRUGS)
    dose = r(doses)
    route = r(routes)
    when = r(["at " + clock(random.choice([0, 2, 4, 6, 8, 9, 10, 12, 14, 16, 18, 20, 21, 22, 23])),
              "at " + clock(random.randint(0, 23), random.choice([0, 30, 15, 45])),
              "due at " + clock(random.choice([0, 6, 8, 12, 14, 18, 20, 22])),
              "" , "this evening", "tonight", "in the morning", "at midnight", "at noon",
              "with breakfast", r(FREQ)])
    p = r(SHE)
    forms = [
        f"{name} {dose} {route} {when}",
        f"{name} {dose} {route} {r(FREQ)}",
        f"{p[0]} is on {name} {dose} {route} {r(FREQ)}",
        f"{p[0]} is getting {name} {dose} {route}",
        f"{p[1]} {name} is due {when}",
        f"next dose of {name} is due {when}",
        f"{name} is due {when}",
        f"{p[0]} got {name} {dose} {route} {r(['at', 'around'])} {clock(random.randint(0, 23))}",
        f"{p[0]} got {r(['a dose of', 'some', ''])} {name} {r(['for pain', 'for nausea', 'with good effect', 'with some relief', 'an hour ago', 'at the start of the shift'])}",
        f"gave {name} {dose} {route} {when}",
        f"{name} {dose} was given {route} {when}",
        f"{name} was held {r(['for low blood pressure', 'for a low heart rate', 'because of the procedure', 'because she is n p o', 'because he is n p o', 'for a high i n r'])}",
        f"hold {name} if {r(['systolic is less than one hundred', 'heart rate is below sixty', 'the pressure is low', 'she is n p o', 'he is n p o'])}",
        f"{p[0]} is due for {name} {when}",
        f"started on {name} {dose} {route} {r(FREQ)}",
        f"{name} was started {r(['today', 'yesterday', 'last night', 'this morning', 'on admission'])}",
        f"{name} is running {r(['at', ''])} {dose}",
        f"{p[0]} has {name} ordered {r(FREQ)}",
        f"{p[0]} received {name} {when}",
    ]
    return r(forms)


def allergy_sentence():
    p = r(SHE)
    a, reactions = r(ALLERGENS)
    forms = [
        "no known allergies", "no known drug allergies", "n k d a", "she has no known allergies",
        "he has no known allergies", "no allergies", "allergies none", "no known food allergies",
        f"allergic to {a}", f"{p[0]} is allergic to {a}", f"allergic to {a} causes {r(reactions)}",
        f"allergic to {a} which causes {r(reactions)}", f"{a} allergy", f"{p[0]} has a {a} allergy",
        f"allergies are {a} and {r(ALLERGENS)[0]}", f"{a} gives {p[2]} {r(reactions)}",
        f"allergy to {a} with {r(reactions)}", f"{p[1]} allergy is {a} reaction is {r(reactions)}",
        f"allergies {a}", f"{a} causes {r(reactions)}",
    ]
    return r(forms)


def code_sentence():
    p = r(SHE)
    c = r(CODE)
    forms = [c, f"{p[0]} is {c}", f"code status is {c}", f"code status {c}", f"{p[0]} is a {c}",
             f"{p[0]} is {c} per {r(['the family', 'the patient', p[1] + ' ' + r(RELATIVES), 'the goals of care discussion'])}",
             f"{p[1]} code status is {c}", f"still {c}", f"changed to {c} today",
             f"{p[0]} made {p[2]}self {c}".replace("herself", "herself").replace("hisself", "himself")]
    return r(forms)


def isolation_sentence():
    p = r(SHE)
    i = r(ISOLATION)
    forms = [f"{p[0]} is on {i} precautions", f"{i} precautions {r(ISO_REASON)}",
             f"{p[0]} is on {i} isolation {r(ISO_REASON)}", f"isolation is {i}",
             f"{i} isolation", f"{p[0]} is in {i} isolation", f"on {i} precautions {r(ISO_REASON)}",
             f"no isolation", "not on isolation", "no precautions", f"{i} precautions",
             f"{p[0]} needs {i} precautions", f"please wear a mask and gown {r(ISO_REASON)}",
             f"isolation {i} {r(ISO_REASON)}", f"{p[0]} is {i} isolation {r(ISO_REASON)}"]
    return r(forms)


def fall_sentence():
    p = r(SHE)
    forms = ["high fall risk", "she is a high fall risk", "he is a high fall risk", "fall risk",
             "moderate fall risk", "low fall risk", f"{p[0]} is a fall risk",
             f"{p[0]} is a fall risk with a bed alarm on", "bed alarm is on", "bed alarm on",
             "chair alarm on", "fall precautions in place", "on fall precautions",
             f"morse score {spell(random.choice([15, 25, 35, 45, 55, 65, 75, 85]))}",
             f"fall score is {spell(random.randint(10, 90))}", "not a fall risk",
             f"{p[0]} fell {r(['last night', 'yesterday', 'at home', 'on the previous shift'])}",
             "yellow socks and bed in low position", "bed in the lowest position",
             f"{p[0]} tries to get up on {p[1]} own", f"{p[0]} needs help getting to the bathroom",
             "call light within reach", "sitter at bedside", f"{p[0]} has a sitter"]
    return r(forms)


def line_sentence():
    p = r(SHE)
    l = r(LINES)
    forms = [f"{p[0]} has {l}", f"{l}", f"lines {l}", f"{p[0]} has {l} and {r(LINES)}",
             f"access is {l}", f"i v access {l}", f"{l} placed {r(['today', 'yesterday', 'on admission', 'in the e d'])}",
             f"{l} is {r(['patent', 'flushing well', 'saline locked', 'infusing', 'due to be changed', 'positional', 'clean and dry', 'draining well'])}",
             f"{p[0]} has {l} {r(['which is patent', 'that is saline locked', 'that flushes well', 'with dressing changed today'])}",
             f"{r(['the', p[1]])} {r(['foley', 'j p', 'drain', 'chest tube', 'picc', 'i v'])} {r(['put out', 'had', 'drained'])} {spell(random.choice([20, 30, 50, 75, 100, 150, 200, 250, 300, 400, 500]))} {r(['milliliters', 'mls', 'cc'])}",
             f"{p[0]} has an i v in each arm", f"one i v in each arm", f"an eighteen gauge in each a c",
             f"{p[0]} does not have a foley", "no foley", "no lines or drains", "no drains",
             f"{p[0]} pulled out {p[1]} i v", f"{p[0]} needs a new i v", f"the i v infiltrated"]
    return r(forms)


def pending_sentence():
    p = r(SHE)
    it = r(PENDING)
    forms = [f"{it} {r(RESULT_VERBS)}", f"waiting on {it}", f"still waiting on {it}",
             f"we are waiting for {it}", f"pending {it}", f"{p[0]} needs {it}",
             f"{p[0]} is going for {it} {r(['at', 'around'])} {clock(random.randint(6, 20))}",
             f"{it} is {r(['scheduled', 'ordered', 'booked'])} for {r(['the morning', 'tomorrow', 'today', clock(random.randint(6, 20))])}",
             f"follow up on {it}", f"please follow up on {it}", f"check {it}",
             f"make sure {it} gets done", f"{it} and {r(PENDING)} {r(RESULT_VERBS)}",
             f"we still need {it}", f"{it} was done {r(['today', 'this afternoon', 'this morning'])}",
             f"{it} showed {r(['no acute changes', 'a small infiltrate', 'a fracture', 'nothing acute', 'an effusion', 'improvement'])}"]
    return r(forms)


def contingency_sentence():
    p = r(SHE)
    cond = r([
        f"{p[1]} pressure drops below {spell(random.choice([80, 85, 90, 95, 100]))}",
        f"{p[1]} systolic goes below {spell(random.choice([80, 90, 100]))}",
        f"{p[1]} blood pressure is over {spell(random.choice([160, 170, 180, 190]))}",
        f"systolic is greater than {spell(random.choice([160, 170, 180]))}",
        f"{p[1]} heart rate goes above {spell(random.choice([110, 120, 130, 140]))}",
        f"heart rate is over {spell(random.choice([110, 120, 130]))}",
        f"{p[1]} heart rate drops below {spell(random.choice([40, 45, 50, 55]))}",
        f"{p[1]} sats drop below {spell(random.choice([88, 90, 92]))} percent",
        f"{p[0]} desats", f"{p[1]} temp goes above {decimal(38, random.randint(0, 9))}",
        f"{p[0]} spikes a fever", f"{p[0]} spikes a temp", f"{p[0]} gets more confused",
        f"{p[1]} blood sugar is under {spell(random.choice([60, 70, 80]))}",
        f"{p[1]} sugar is over {spell(random.choice([250, 300, 350, 400]))}",
        f"{p[1]} potassium is less than {decimal(3, random.randint(0, 9))}",
        f"{p[1]} urine output is less than {spell(random.choice([20, 30]))} an hour",
        f"{p[0]} has more chest pain", f"{p[0]} becomes short of breath",
        f"{p[1]} pain is not controlled", f"the lactate is above {spell(random.choice([2, 4]))}",
        f"{p[0]} starts bleeding", f"{p[0]} becomes agitated", f"{p[0]} vomits again",
        f"{p[1]} hemoglobin is below {spell(random.choice([7, 8]))}",
        f"the troponin is positive", f"the cultures come back positive",
        f"{p[1]} mental status changes", f"{p[0]} pulls at {p[1]} lines",
    ])
    act = r([f"call {r(WHO)}", f"page {r(WHO)}", f"notify {r(WHO)}", f"call a rapid response",
             f"give {r(DRUGS)[0]} {r(['per the order', 'as ordered', 'per protocol', ''])}",
             f"start the {r(['hypoglycemia', 'potassium', 'magnesium', 'sepsis', 'insulin', 'c i w a'])} protocol",
             f"give the p r n {r(['labetalol', 'hydralazine', 'morphine', 'zofran', 'tylenol', 'ativan'])}",
             f"give a fluid bolus", f"increase {p[1]} oxygen", f"put {p[2]} on bipap",
             f"draw blood cultures", f"get an e k g", f"recheck in an hour", f"hold the {r(DRUGS)[0]}",
             f"let {r(WHO)} know", f"stop the {r(['drip', 'infusion', 'insulin drip', 'heparin drip', 'feeds', 'fluids'])}",
             f"stop the {r(['insulin', 'heparin', 'tube feeds'])} and {r(['call', 'page'])} {r(WHO)}", f"call {r(WHO)} right away", f"get a stat c b c"])
    forms = [f"if {cond} {act}", f"if {cond} then {act}", f"if {cond} please {act}",
             f"{act} if {cond}", f"in case {cond} {act}", f"should {cond} {act}",
             f"if {cond} you should {act}", f"if {cond} you need to {act}", f"watch for {r(SYMPTOMS)} and {act}",
             f"keep an eye on {p[1]} {r(['pressure', 'heart rate', 'sats', 'sugars', 'output', 'mental status', 'pain', 'potassium'])}"]
    return r(forms)


def correction_sentence():
    forms = []
    a = random.randint(36, 39)
    forms.append(f"temp {decimal(a, random.randint(0, 9))} sorry {decimal(a + r([-1, 0, 1]), random.randint(0, 9))}")
    forms.append(f"{r(['temperature', 'temp'])} was {spell(a)} sorry {decimal(a - 1, random.randint(0, 9))}")
    b = random.randint(80, 180)
    forms.append(f"blood pressure {vital_bp()} sorry {vital_bp()}")
    forms.append(f"heart rate {spell(b)} i mean {spell(b + random.randint(-20, 20))}")
    forms.append(f"{r(['sat', 'sats'])} {spell(random.randint(85, 99))} percent no wait {spell(random.randint(85, 99))} percent")
    forms.append(f"pain {ONES[random.randint(0, 10)]} sorry {ONES[random.randint(0, 10)]} out of ten")
    forms.append(f"room {spell(random.randint(1, 40))} sorry room {spell(random.randint(1, 40))}")
    forms.append(f"{r(DRUGS)[0]} at {clock(random.randint(0, 23))} actually {clock(random.randint(0, 23))}")
    forms.append(f"correction {vital_phrase()}")
    forms.append(f"{vital_phrase()} i mean {vital_phrase()}")
    forms.append(f"{vital_phrase()} scratch that {vital_phrase()}")
    forms.append(f"{vital_phrase()} let me correct that {vital_phrase()}")
    forms.append(f"{vital_phrase()} no sorry {vital_phrase()}")
    return r(forms)


def negation_sentence():
    p = r(SHE)
    forms = [f"{p[0]} denies {r(SYMPTOMS)}", f"denies {r(SYMPTOMS)}", f"denies {r(SYMPTOMS)} or {r(SYMPTOMS)}",
             f"no {r(SYMPTOMS)}", f"no {r(SYMPTOMS)} or {r(SYMPTOMS)}", f"{p[0]} has no {r(SYMPTOMS)}",
             f"{p[0]} does not have {r(SYMPTOMS)}", f"negative for {r(SYMPTOMS)}", f"no complaints of {r(SYMPTOMS)}",
             f"{p[0]} is not having any {r(SYMPTOMS)}", f"{p[0]} is not on oxygen", f"not on any drips",
             f"{p[0]} has not had a bowel movement", f"{p[0]} has not voided since {clock(random.randint(0, 23))}",
             f"{p[0]} did not get {p[1]} {r(DRUGS)[0]}", f"no signs of bleeding", f"no signs of infection",
             f"no acute distress", f"{p[0]} is afebrile", "afebrile", "no fever overnight", "no new issues"]
    return r(forms)


def assessment_sentence():
    p = r(SHE)
    forms = [f"{p[0]} is {r(ASSESS)}", f"{r(ASSESS)}", f"{p[0]} is {r(ASSESS)} and {r(ASSESS)}",
             f"neuro {r(ASSESS)}", f"{r(['respiratory', 'cardiac', 'g i', 'g u', 'skin', 'neuro', 'psych'])} {r(ASSESS)}",
             f"{p[0]} complains of {r(SYMPTOMS)} {r(PAIN_PLACES)}", f"{p[0]} reports {r(SYMPTOMS)}",
             f"{p[0]} has been {r(['stable', 'improving', 'getting worse', 'sleeping most of the shift', 'up in the chair', 'walking in the hall', 'anxious', 'tearful', 'pleasant'])}",
             f"{p[1]} {r(['daughter', 'son', 'wife', 'husband', 'family'])} {r(['is at the bedside', 'visited today', 'will call in the morning', 'is the contact', 'wants a call from the doctor', 'has questions about the plan'])}",
             f"i think {p[0]} is {r(['getting septic', 'improving', 'stable', 'dry', 'fluid overloaded', 'in pain', 'withdrawing', 'bleeding'])}",
             f"i am worried about {p[1]} {r(['pressure', 'breathing', 'mental status', 'kidneys', 'heart rate', 'sugars', 'oxygen', 'pain'])}",
             f"{p[0]} {r(['needs', 'would benefit from', 'should get'])} {r(['a reassessment', 'more pain control', 'fluids', 'a bladder scan', 'to be turned', 'oxygen', 'a walk', 'education'])}",
             f"{p[1]} {r(['sugars', 'pressures', 'labs', 'sats', 'heart rates', 'numbers'])} were {r(['high', 'low', 'fine', 'stable', 'better', 'in the three hundreds', 'in the two hundreds', 'in the nineties', 'in the eighties', 'all over the place'])} {r(['overnight', 'this morning', 'earlier', 'on admission', ''])}",
             f"{r(['p t', 'o t', 'the doctor', 'the surgeon', 'the family', p[1] + ' ' + r(RELATIVES), 'transport', 'the chaplain', 'dialysis'])} is coming {r(['in the morning', 'at ten', 'later today', 'to see ' + p[2], 'tomorrow', 'after lunch'])}",
             f"{p[0]} is getting {r(['one unit', 'two units', 'a unit'])} of {r(['blood', 'packed red cells', 'platelets', 'plasma'])} {r(['now', 'tonight', 'this evening', 'over two hours'])}",
             f"{p[0]} {r(['got', 'received', 'needs'])} {r(['one unit', 'two units', 'a unit'])} of {r(['blood', 'packed red cells', 'platelets'])} {r(['today', 'earlier', 'on days', ''])}",
             f"{p[0]} is going for {r(['a scope', 'an endoscopy', 'a colonoscopy', 'a scope with g i'])} {r(['in the morning', 'tomorrow', 'at nine', 'this afternoon'])}",
             f"temp went up to {vital_temp()} {r(['overnight', 'at midnight', 'this afternoon', 'earlier'])}",
             f"{p[1]} {r(['pressure', 'heart rate', 'sugar', 'temp', 'pain'])} went {r(['up', 'down'])} to {spell_any(random.randint(30, 250))}",
             f"plan is {r(['discharge tomorrow', 'to continue antibiotics', 'to wean oxygen', 'a transfer to the i c u', 'to diurese', 'to go home', 'to rehab', 'surgery in the morning', 'to monitor overnight'])}",
             f"{p[0]} {r(['might', 'will', 'could'])} go home {r(['tomorrow', 'in the morning', 'in a few days', 'today'])}",
             f"{p[0]} was {r(['transferred from the i c u', 'downgraded from step down', 'seen by the team', 'seen by p t'])} {r(['today', 'yesterday', 'this afternoon', ''])}"]
    return r(forms)


def vitals_sentence():
    n = random.randint(1, 4)
    parts = [vital_phrase() for _ in range(n)]
    prefix = r(["", "", "vitals ", "vital signs ", "last vitals ", "vitals are ", "latest vitals ",
                "vitals at " + clock(random.randint(0, 23)) + " ", "her vitals ", "his vitals "])
    joiner = r([" ", " and ", " "])
    return prefix + joiner.join(parts)


GENERATORS = [
    (patient_intro, 10), (section_sentence, 6), (vitals_sentence, 22), (drug_sentence, 12),
    (allergy_sentence, 5), (code_sentence, 4), (isolation_sentence, 4), (fall_sentence, 4),
    (line_sentence, 6), (pending_sentence, 7), (contingency_sentence, 8), (correction_sentence, 5),
    (negation_sentence, 6), (assessment_sentence, 10),
]


OPENERS = ["okay", "alright", "so", "and", "next", "next up", "last one", "last patient", "first one",
           "moving on", "um", "also", "then", "oh and", "one more thing", "anyway", "now", "okay so",
           "this one is", "here is", "and then"]
CONJUNCTIONS = ["and", "so", "but", "and then", "also", "", "", "", "which means", "because"]


# Letter-by-letter abbreviations, written as one token ("i_v", "d_n_r") so that the recogniser
# hears them as one word of several letters: single letters as words of their own are short and
# cheap, and the decoder sprinkled them over anything it did not recognise ("u", "q", "r"). The
# transcriber writes such a token back as its letters ("i v"). build-model.py makes each token's
# pronunciation from the letters' names.
ACRONYMS = [tuple(a.split()) for a in [
    "i v", "i m", "p o", "p r", "p r n", "b i d", "t i d", "n p o", "i n r", "u o", "b p", "h r", "r r",
    "w b c", "c b c", "b m p", "a b g", "e k g", "e e g", "c t", "m r i", "e d", "e r", "i c u", "p a",
    "n p", "p t", "o t", "g i", "g u", "n g", "j p", "i j", "a c", "p c a", "d n r", "d n i", "c p r",
    "n k d a", "c o p d", "c h f", "d v t", "t i a", "u t i", "t b", "r s v", "e s b l", "v r e",
    "m r s a", "c i w a",
]]
ACRONYM_MAX = max(len(a) for a in ACRONYMS)


def join_acronyms(words):
    """Runs of single letters as abbreviation tokens: the segmentation with the fewest pieces, where
    a letter left on its own costs more than an abbreviation, except the words "a" and "i"
    ("a c o p d exacerbation" is "a c_o_p_d", not "a_c o p d")."""
    known = set(ACRONYMS)
    out = []
    i = 0
    while i < len(words):
        if len(words[i]) != 1:
            out.append(words[i])
            i += 1
            continue
        j = i
        while j < len(words) and len(words[j]) == 1:
            j += 1
        run = words[i:j]
        cost = [0] + [None] * len(run)
        back = [None] * (len(run) + 1)
        for k in range(len(run)):
            if cost[k] is None:
                continue
            single = cost[k] + (1 if run[k] in ("a", "i") else 5)
            if cost[k + 1] is None or single < cost[k + 1]:
                cost[k + 1], back[k + 1] = single, (k, run[k])
            for n in range(2, min(ACRONYM_MAX, len(run) - k) + 1):
                token = tuple(run[k:k + n])
                if token in known and (cost[k + n] is None or cost[k] + 1 < cost[k + n]):
                    cost[k + n], back[k + n] = cost[k] + 1, (k, "_".join(token))
        pieces = []
        k = len(run)
        while k > 0:
            k, piece = back[k]
            pieces.append(piece)
        out.extend(reversed(pieces))
        i = j
    return out


def spoken_line(funcs):
    """One line as people talk: a clause, sometimes after an opener, sometimes run on into more."""
    parts = []
    if random.random() < 0.2:
        parts.append(r(OPENERS))
    parts.append(random.choice(funcs)())
    while random.random() < 0.35 and len(parts) < 5:
        conj = r(CONJUNCTIONS)
        if conj:
            parts.append(conj)
        parts.append(random.choice(funcs)())
    return " ".join(parts)


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
    random.seed(20261126)
    funcs = [g for g, w in GENERATORS for _ in range(w)]
    seen = set()
    lines = []
    while len(lines) < n:
        s = " ".join(join_acronyms(spoken_line(funcs).split()))
        if s and s not in seen:
            seen.add(s)
            lines.append(s)
    # Single-word numbers and letters alone, so the model never forbids a word the dictionary has.
    for i in range(0, 101):
        lines.append(spell(i))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
