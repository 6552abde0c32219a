package org.iosup.replay;

import org.iosup.model.guest.Paging;

import java.util.List;
import java.util.Map;

/**
 * What a replay produced: every policy's minute series (all with the same minutes), the
 * anomalies, and facts about the run.
 *
 * @param config       the configuration replayed
 * @param paging       the paging mode used
 * @param pagingSource where it came from: {@code option}, {@code trace metadata} or {@code default}
 * @param policies     one model per policy, in the order given
 * @param anomalies    events the model could not accept
 * @param minutes      minutes covered (rows per policy)
 * @param events       events read
 * @param wallNanos    wall time of the replay
 * @param metadata     the trace's metadata
 */
public record ReplayResult(ReplayConfig config, Paging paging, String pagingSource, List<PolicyModel> policies,
                           Anomalies anomalies, int minutes, long events, long wallNanos,
                           Map<String, String> metadata) {
}
