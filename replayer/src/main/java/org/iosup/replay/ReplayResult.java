package org.iosup.replay;

import org.iosup.model.Anomalies;
import org.iosup.model.DeviceCounters;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PolicySpec;

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
 * @param lastTsNs     the trace's last timestamp (0 for an empty trace)
 * @param wallNanos    wall time of the replay
 * @param metadata     the trace's metadata
 * @param ledgers      per policy, the CPU charges by cost (empty unless asked for)
 */
public record ReplayResult(ReplayConfig config, Paging paging, String pagingSource, List<PolicyModel> policies,
                           Anomalies anomalies, int minutes, long events, long lastTsNs, long wallNanos,
                           Map<String, String> metadata, List<CostLedger> ledgers, DeviceCounters devices) {

    /**
     * What the user should know about this replay's results: a policy whose pools switch on after
     * the trace ends (e.g. {@code dynamic@5m} on a 3-minute trace) behaved as {@code disabled}.
     */
    public List<String> warnings() {
        List<String> w = new java.util.ArrayList<>();
        for (PolicyModel p : policies) {
            PolicySpec s = p.spec();
            if (s.pools() && s.enableAtNs() > 0 && (events == 0 || s.enableAtNs() > lastTsNs)) {
                w.add("policy '" + s.name() + "' never switched on: its pools start at "
                        + org.iosup.analysis.Durations.format(s.enableAtNs()) + " and the trace ends at "
                        + org.iosup.analysis.Durations.formatSeconds(lastTsNs) + ", so it behaved as 'disabled'");
            }
        }
        return w;
    }
}
