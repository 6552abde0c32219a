package org.iosup.replayer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.iosup.replayer.cli.ReplayBenchCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay benchmark's workloads are valid traces that replay without anomalies, a small one of
 * each here (the benchmark's speed is measured by running it, not by tests).
 */
class ReplayBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void bothWorkloadsReplayWithoutAnomaliesAndTheTraceIsRemoved() throws Exception {
        for (String workload : new String[] {"busy", "churn"}) {
            CliRun r = CliRun.run(new ReplayBenchCommand(), "--workload", workload, "--events", "300000", "--runs", "2",
                    "--dir", dir.toString(), "--json");
            assertThat(r.exitCode).as(r.toString()).isZero();
            JsonNode j = new ObjectMapper().readTree(r.out);
            assertThat(j.get("workload").asText()).isEqualTo(workload);
            assertThat(j.get("anomalies").asLong()).isZero();
            // About the events asked for: busy runs for the minutes that give them, churn stops at them.
            assertThat(j.get("replayed_events").asLong()).isBetween(270_000L, 330_000L);
            assertThat(j.get("warm_events_per_second").asDouble()).isPositive();
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void anUnknownWorkloadIsAUserError() {
        CliRun r = CliRun.run(new ReplayBenchCommand(), "--workload", "idle", "--events", "1000");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("unknown workload 'idle'").contains("busy, churn");
    }
}
