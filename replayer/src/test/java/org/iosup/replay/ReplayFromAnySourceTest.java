package org.iosup.replay;

import org.iosup.model.CostProfile;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A replay runs on any {@link org.iosup.trace.TraceSource}: a synthesizer in memory gives what its Parquet file gives. */
class ReplayFromAnySourceTest {
    @TempDir
    Path dir;

    @Test
    void aSynthesizerInMemoryReplaysAsItsParquetFile() {
        SynthParams params = SynthParams.busyForEvents(150_000, 7);
        Path file = dir.resolve("busy.parquet");
        SyntheticTrace.writeParquet(params, file);
        List<PolicySpec> specs = List.of(PolicySpec.parse("disabled"), PolicySpec.parse("pre-enabled"),
                PolicySpec.parse("dynamic@1m"));
        for (int threads : new int[] {1, 2}) {
            ReplayConfig config = new ReplayConfig(file, specs, HypervisorProfile.named("xen-4.2.4"), null,
                    IommuConfig.DEFAULT, CostProfile.standard(), threads, true);
            ReplayResult fromFile = Replay.run(config, null);
            ReplayResult inMemory;
            try (SyntheticTrace source = new SyntheticTrace(params)) {
                inMemory = Replay.run(config, source, null, false);
            }
            assertThat(inMemory.events()).isEqualTo(fromFile.events()).isGreaterThan(100_000);
            assertThat(inMemory.paging()).isEqualTo(fromFile.paging());
            assertThat(inMemory.minutes()).isEqualTo(fromFile.minutes()).isPositive();
            for (int p = 0; p < specs.size(); p++) {
                var a = fromFile.policies().get(p).series();
                var b = inMemory.policies().get(p).series();
                assertThat(b.minutes()).isEqualTo(a.minutes());
                for (int m = 0; m < a.minutes(); m++) {
                    assertThat(b.row(m)).as("%s minute %d, %d threads", specs.get(p).name(), m, threads)
                            .containsExactly(a.row(m));
                }
            }
            // The flushes the pools remove are there to remove.
            assertThat(fromFile.policies().get(0).series().total(org.iosup.model.Metric.FLUSH_CALLS)).isPositive();
        }
    }
}
