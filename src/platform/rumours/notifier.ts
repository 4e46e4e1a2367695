/**
 * How users who received false content are told of its refutation (Provisions Art. 11). A notifier delivers one notice
 * to one account and throws when it could not; the service records each outcome. Two ship: the log notifier (a line in
 * the server log, for a console or a mail relay that tails it) and the webhook notifier (a JSON POST to the operator's
 * messaging system).
 */
export interface RumourNotice {
  caseId: string;
  accountId: string;
  title: string;
  notice: string;
  publishedAt: string;
  /** The content this account received that the case refutes (ProduceIDs, content IDs). */
  received: { produceId: string; contentId: string | null; contentHash: string }[];
}

export interface Notifier {
  readonly channel: string;
  notify(n: RumourNotice): Promise<void>;
}

export interface NoticeLogger {
  info(obj: object, msg: string): void;
}

export class LogNotifier implements Notifier {
  readonly channel = 'log';
  constructor(private readonly logger: NoticeLogger) {}
  async notify(n: RumourNotice): Promise<void> {
    this.logger.info(
      { rumourNotice: true, caseId: n.caseId, accountId: n.accountId, received: n.received.length },
      n.title,
    );
  }
}

export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';
  constructor(
    private readonly url: string,
    private readonly o: { timeoutMs?: number; headers?: Record<string, string> } = {},
  ) {
    if (!/^https?:\/\//.test(url)) throw new Error('the webhook URL must start with http:// or https://');
  }
  async notify(n: RumourNotice): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.o.headers },
      body: JSON.stringify({ type: 'rumour.refutation', ...n }),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`the webhook answered ${res.status}`);
  }
}
