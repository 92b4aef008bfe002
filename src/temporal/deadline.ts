import {
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type Client,
  type ConnectionOptions,
} from '@temporalio/client';

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/** The call did not settle within its deadline; it was aborted and its late outcome is ignored. */
export class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
  constructor(readonly ms: number) {
    super(`No answer within ${ms} ms`);
  }
}

/**
 * Settles within `ms`: with the call's own outcome, or with `DeadlineExceeded` after aborting
 * `signal`. A call that ignores the signal keeps running unobserved.
 */
export async function within<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineExceeded(ms));
    }, ms);
  });
  const running = call(controller.signal);
  // Once the deadline answered, the abandoned call's own failure must not surface as unhandled.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs Temporal client calls so the caller has an answer within `ms`. The gRPC deadline and the
 * abort signal end the calls themselves; the race is what keeps the bound, because the client's
 * own retry of UNAVAILABLE waits out its backoff before it looks at the deadline again.
 */
export function withinTemporalDeadline<T>(
  client: Client,
  ms: number,
  call: () => Promise<T>,
): Promise<T> {
  const { connection } = client;
  return within(ms, (signal) =>
    connection.withDeadline(Date.now() + ms, () => connection.withAbortSignal(signal, call)),
  );
}

/**
 * The client's stock retry of UNAVAILABLE and its kin, except a retry that would start after the
 * call's deadline: the stock one sleeps up to 6 s between attempts before it sees the deadline,
 * which is how a 10 s deadline answered after 15.7 s. With it an abandoned call ends by its
 * deadline and leaves no timer behind to touch a connection closed meanwhile.
 */
export function retryWithinDeadline(): GrpcInterceptor {
  const stock = defaultGrpcRetryOptions();
  return (options, nextCall) => {
    const deadline = options.deadline === undefined ? Infinity : Number(options.deadline);
    let delayMs = 0;
    return makeGrpcRetryInterceptor({
      retryableDecider(attempt, status) {
        delayMs = stock.delayFunction(attempt, status);
        return stock.retryableDecider(attempt, status) && Date.now() + delayMs < deadline;
      },
      delayFunction: () => delayMs,
    })(options, nextCall);
  };
}
