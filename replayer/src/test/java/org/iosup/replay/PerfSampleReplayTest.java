package org.iosup.replay;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.iosup.replayer.cli.ReplayCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed native recording (traces/perf-sample.parquet) replays cleanly under both basic policies. */
class PerfSampleReplayTest {
    @TempDir
    Path dir;

    private List<CSVRecord> summary(String profile) throws IOException {
        Path out = dir.resolve(profile);
        CliRun r = CliRun.run(new ReplayCommand(), Path.of("..", "traces", "perf-sample.parquet").toString(),
                "--profile", profile, "--policy", "disabled", "--policy", "pre-enabled", "-o", out.toString(), "-q");
        assertThat(r.exitCode).as(r.toString()).isZero();
        try (Reader in = Files.newBufferedReader(out.resolve("summary.csv"))) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
    }

    @Test
    void zeroViolationsAndAnomaliesAndThePoolsCutTheTypeChanges() throws IOException {
        for (String profile : List.of("xen-4.2.1", "xen-4.2.4", "xen-4.14")) {
            List<CSVRecord> rows = summary(profile);
            assertThat(rows).extracting(r -> r.get("policy")).containsExactly("disabled", "pre-enabled");
            for (CSVRecord r : rows) {
                assertThat(r.get("violations")).as(profile + " " + r.get("policy")).isEqualTo("0");
                assertThat(r.get("anomalies")).as(profile + " " + r.get("policy")).isEqualTo("0");
            }
            long disabled = Long.parseLong(rows.get(0).get("type_changes"));
            long pooled = Long.parseLong(rows.get(1).get("type_changes"));
            // 3,058 page-table allocations, each pinned and unpinned without pools; the pools reuse pages.
            assertThat(disabled).as(profile).isGreaterThanOrEqualTo(2L * 2_913);
            assertThat(pooled).as(profile).isLessThan(disabled / 5);
        }
        CSVRecord disabled424 = summary("xen-4.2.4").get(0);
        assertThat(Long.parseLong(disabled424.get("flush_issued"))).isPositive();
        CSVRecord disabled421 = summary("xen-4.2.1").get(0);
        // Xen 4.2.1 calls the flush on every unmap but issues none (caching mode off, before XSA-78).
        assertThat(disabled421.get("flush_issued")).isEqualTo("0");
        assertThat(Long.parseLong(disabled421.get("flush_calls"))).isPositive();
    }
}
