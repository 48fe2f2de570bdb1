/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-audio-store.h"
#include "el-health.h"
#include "el-job-runner.h"
#include "el-metrics.h"
#include "el-sbar-extractor.h"
#include "el-transcriber.h"

G_BEGIN_DECLS

/*
 * ElSpeechJobs: the server's speech work, as two kinds of durable job (el-jobs.h), run by the
 * ElJobRunner's worker thread with the worker's own database connection:
 *
 *   upload (202) --> job "transcribe": recording queued -> transcribing; the audio is read from
 *                    ElAudioStore into memory (decrypted, never written in clear), the transcriber
 *                    runs; transcript + words (sealed) are stored, the recording moves to
 *                    extracting and job "extract" is queued — one transaction;
 *               --> job "extract": the extractor turns the stored transcript into an SBAR draft;
 *                    version 1 (or the next version) with source "ai", spans and completeness, author
 *                    = the nurse who uploaded; the recording moves to completed and the handoff from
 *                    processing to ready — one transaction.
 *
 * A failing step is retried with the runner's backoff (the recording keeps its status and the
 * job's last_error says why, without PHI); when a job fails for good the recording and its
 * handoff end `failed` with a reason. A handoff that was signed or acknowledged meanwhile gets no
 * AI version (it is locked); its recording is still completed. Metrics: transcription and
 * extraction durations, the draft's completeness score (el_sbar_quality_score).
 *
 * Site adaptation (el_speech_jobs_set_site_adaptation()): after enough audio transcribed offline,
 * the transcribe job builds the site's voice profile from the latest transcribed recordings and
 * decodes with it from then on (job runs counted as kind "adapt"). Speaker adaptation
 * (el_speech_jobs_set_speaker_adaptation()): the same for each nurse from her own uploads; her
 * uploads are then decoded with her profile. el_speech_decodes_total{model} counts offline
 * transcriptions by the model used (stock, site, speaker).
 */

typedef struct ElSpeechJobs ElSpeechJobs;

ElSpeechJobs *el_speech_jobs_new (ElAudioStore *store,
                                  ElTranscriber *transcriber,
                                  ElSbarExtractor *extractor,
                                  ElMetrics *metrics);
ElSpeechJobs *el_speech_jobs_ref (ElSpeechJobs *self);
void el_speech_jobs_unref (ElSpeechJobs *self);
/* Registers "transcribe" and "extract"; the runner keeps a reference to @self. */
void el_speech_jobs_register (ElSpeechJobs *self, ElJobRunner *runner);
/* The speech metrics (transcription and SBAR generation durations, the drafts' quality score, job
 * runs); el_speech_jobs_new() adds them; serve adds them alone when speech is off, so the metrics
 * page has the same series either way. */
void el_speech_jobs_add_metrics (ElMetrics *metrics, ElSpeechJobs *self);
void el_speech_jobs_set_site_adaptation (ElSpeechJobs *self, const char *profile_dir, guint seconds);
void el_speech_jobs_set_speaker_adaptation (ElSpeechJobs *self, const char *voices_dir, guint seconds);
/* /api/health "speech" check: the engines' names; ok when they are configured. */
ElHealthStatus el_speech_jobs_check_health (char **detail, gpointer speech_jobs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSpeechJobs, el_speech_jobs_unref)

G_END_DECLS
