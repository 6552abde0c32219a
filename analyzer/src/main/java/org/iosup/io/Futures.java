package org.iosup.io;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to another thread, its failure thrown here as it was thrown there. */
public final class Futures {
    private Futures() {
    }

    /**
     * The result of {@code f} once done (null for a null future): a runtime exception of the task
     * is rethrown as it is (a located {@link UserException} stays one), anything else wrapped.
     */
    public static <T> T await(Future<T> f) {
        if (f == null) {
            return null;
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
