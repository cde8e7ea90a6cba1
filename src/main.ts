// Composition root: the only place that reads process.env. Sandbox mode when DINGTALK_CLIENT_ID is unset.
import { startYiciban } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';

/** The longest a graceful stop may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 10_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const running = config.sandbox ? await runSandbox(config, logger) : await startYiciban({ config, logger });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A stop that hangs (a socket that never closes) must not keep an old bot connected beside a new one.
    setTimeout(() => {
      logger.error({ signal, afterMs: SHUTDOWN_LIMIT_MS }, 'shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    await running.stop();
    logger.info({ signal }, 'stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

// The simulators and the web chat are loaded only in sandbox mode: production never loads them.
async function runSandbox(config: Config, logger: Logger) {
  const { startSandbox } = await import('./sandbox/start.js');
  const { sandboxPages } = await import('./sandbox/web/routes.js');
  const sandbox = await startSandbox({ config, logger, pages: sandboxPages });
  const url = `${sandbox.app.url}/sandbox`;
  logger.info(
    {
      url,
      dingtalkSimulator: sandbox.dingtalk.baseUrl,
      backofficeSimulator: sandbox.backoffice?.baseUrl,
      // A configured ADMIN_TOKEN is a secret of its owner and never reaches a log; a made-up one is how you learn it.
      ...(sandbox.adminTokenGenerated ? { adminToken: sandbox.adminToken } : {}),
    },
    `SANDBOX MODE — no DingTalk credentials, everything runs locally. Open ${url} to chat with the bot. ` +
      'To use real DingTalk set DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET, BACKOFFICE_URL and BACKOFFICE_SECRET (see README).',
  );
  return sandbox;
}

main().catch((error: unknown) => {
  console.error('Yiciban failed to start:', error);
  process.exit(1);
});
