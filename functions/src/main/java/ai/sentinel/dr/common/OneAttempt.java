package ai.sentinel.dr.common;

import java.util.function.Supplier;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * Mutating AWS calls are sent once per step run. When a mutation's response is lost (a 5xx or a reset after AWS
 * applied it), an SDK retry would apply it again — a second forced deployment, a second secret version. Instead the
 * step fails retryably and the state machine runs it again, and the step's own checks (the restore tagged by this
 * execution, the deployment newer than the repoint, the secret's request token) see what was already done. Reads keep
 * the SDK's standard retries.
 */
public final class OneAttempt {
  private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> false);

  private OneAttempt() {}

  /** Runs {@code call} with SDK retries off for the calls it makes on this thread. */
  public static <T> T call(Supplier<T> call) {
    boolean outer = ACTIVE.get();
    ACTIVE.set(true);
    try {
      return call.get();
    } finally {
      ACTIVE.set(outer);
    }
  }

  /** {@code standard} (the SDK's own strategy, with its AWS defaults) except inside {@link #call}. */
  public static RetryStrategy retryStrategy(RetryStrategy standard) {
    return new Strategy(standard);
  }

  private record Strategy(RetryStrategy standard) implements RetryStrategy {
    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
      return standard.acquireInitialToken(request);
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
      if (ACTIVE.get()) {
        throw new TokenAcquisitionFailedException("a mutating call is not retried by the SDK: the state machine "
            + "re-runs the step, which first checks what was already done", request.token(), request.failure());
      }
      return standard.refreshRetryToken(request);
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
      return standard.recordSuccess(request);
    }

    @Override
    public int maxAttempts() {
      return standard.maxAttempts();
    }

    @Override
    public boolean useClientDefaults() {
      return false; // standard already carries the AWS defaults; adding them would replace this wrapper
    }

    @Override
    public Builder<?, ?> toBuilder() {
      return standard.toBuilder();
    }
  }
}
