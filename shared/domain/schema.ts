// The zod the Lambdas bundle: zod/mini (all of zod adds ~70 KiB and ~20 ms to each cold start), with
// the English messages that the full build loads by itself, since press offices and operators read them.
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
