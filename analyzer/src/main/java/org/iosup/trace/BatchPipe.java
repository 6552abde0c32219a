package org.iosup.trace;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Streams a {@link TraceSource} into a consumer with the reading (parsing, decoding) on its own
 * thread, so that on two cores parsing and writing overlap. A few batches circulate between the
 * two threads; order is kept, so the result is the same as a plain loop. An exception on either
 * side stops both and is rethrown to the caller as it was.
 */
public final class BatchPipe {
    private static final int BATCHES = 4;
    private static final EventBatch END = new EventBatch(1);

    private BatchPipe() {
    }

    /** Feeds every batch of {@code source} to {@code sink}, in order. */
    public static void copy(TraceSource source, Consumer<EventBatch> sink) {
        BlockingQueue<EventBatch> free = new ArrayBlockingQueue<>(BATCHES);
        BlockingQueue<EventBatch> full = new ArrayBlockingQueue<>(BATCHES + 1);
        for (int i = 0; i < BATCHES; i++) {
            free.add(new EventBatch());
        }
        Throwable[] failure = new Throwable[1];
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    EventBatch b = free.take();
                    if (!source.next(b)) {
                        break;
                    }
                    full.put(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure[0] = t;
            } finally {
                full.offer(END);
            }
        }, "iosup-reader");
        reader.setDaemon(true);
        reader.start();
        boolean done = false;
        try {
            while (true) {
                EventBatch b = full.take();
                if (b == END) {
                    break;
                }
                sink.accept(b);
                free.put(b);
            }
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (!done) {
                reader.interrupt();
            }
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable t = failure[0];
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
