package org.iosup.replayer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.iosup.model.pool.PolicySpec;
import org.iosup.replayer.cli.SweepBenchCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The sweep benchmark's policies are distinct, as a grid's would be; a small run reports every count. */
class SweepBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void itsPoliciesAreDistinctGridPoints() {
        List<PolicySpec> p = SweepBenchmark.policies(300);
        assertThat(new HashSet<>(p.stream().map(PolicySpec::spec).toList())).hasSize(300);
        assertThat(p.get(0).spec()).isEqualTo("dynamic@0m,shrink-ratio=0.5,shrink-total=16");
        assertThat(p.get(299).spec()).isEqualTo("dynamic@9m,shrink-ratio=1,shrink-total=72");
    }

    @Test
    void aSmallRunReportsEachCountAndLeavesNothing() throws Exception {
        CliRun r = CliRun.run(new SweepBenchCommand(), "--minutes", "0.2", "--policies", "1,4", "--dir", dir.toString(),
                "--json");
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode sweeps = new ObjectMapper().readTree(r.out).get("sweeps");
        assertThat(sweeps).hasSize(2);
        assertThat(sweeps.get(1).get("policies").asInt()).isEqualTo(4);
        assertThat(sweeps.get(1).get("policy_events_per_second").asDouble()).isPositive();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
        CliRun bad = CliRun.run(new SweepBenchCommand(), "--policies", "1,x");
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.err).contains("--policies 1,x: 'x' is not a count from 1 to 10000");
    }
}
