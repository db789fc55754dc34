/**
 * Defaults for `npm start`'s environment, imported before anything else: the functions' logger and metrics
 * read these when their modules load, which imports hoisted above start.ts's own statements would precede.
 * The demo prints its own lines; warnings and errors of the functions still show.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
