-- Job kinds and states the support operations (rotate, change key, revert, fleet runs) need:
-- approval before any write, pause/resume, and a cancel that lets a running Azure operation finish.
ALTER TYPE "JobKind" ADD VALUE 'CHANGE_KEY' BEFORE 'REVERT_CMK';

ALTER TYPE "JobState" ADD VALUE 'AWAITING_APPROVAL' BEFORE 'QUEUED';
ALTER TYPE "JobState" ADD VALUE 'PAUSED' BEFORE 'SUCCEEDED';
ALTER TYPE "JobState" ADD VALUE 'CANCELLING' BEFORE 'SUCCEEDED';
