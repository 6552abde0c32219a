package org.iosup.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.iosup.io.UserException;
import org.iosup.replayer.cli.FleetMakeCommand;
import org.iosup.testing.CliRun;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.iosup.trace.parquet.TraceReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** fleet make writes the layout of schemas/fleet.md, the same files on any thread count, and nothing on a mistake. */
class FleetMakeTest {
    @TempDir
    Path dir;

    private CliRun make(Path out, String... more) {
        String[] args = Stream.concat(Stream.of("--hosts", "5", "--minutes", "1", "--preset", "busy,idle", "-q", "-o",
                out.toString()), Stream.of(more)).toArray(String[]::new);
        return CliRun.run(new FleetMakeCommand(), args);
    }

    @Test
    void aFleetIsOneValidTracePerHostInTheHiveLayoutTheSameOnAnyThreadCount() throws IOException {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        assertThat(make(one, "--threads", "1").exitCode).isZero();
        assertThat(make(two, "--threads", "2", "--date", "2026-01-01").exitCode).isZero();
        List<FleetLayout.Part> parts = FleetLayout.list(one);
        assertThat(parts).extracting(FleetLayout.Part::relative).containsExactly(
                "host=host-000/date=2026-01-01/part-0.parquet", "host=host-001/date=2026-01-01/part-0.parquet",
                "host=host-002/date=2026-01-01/part-0.parquet", "host=host-003/date=2026-01-01/part-0.parquet",
                "host=host-004/date=2026-01-01/part-0.parquet");
        for (FleetLayout.Part p : parts) {
            assertThat(Files.mismatch(one.resolve(p.relative()), two.resolve(p.relative()))).as(p.relative()).isEqualTo(-1);
            try (ParquetTraceReader r = ParquetTraceReader.open(one.resolve(p.relative()), TraceReadOptions.DEFAULT)) {
                assertThat(r.metadata()).containsKey("iosup.paging");
            }
        }
        JsonNode m = new ObjectMapper().readTree(one.resolve("manifest.json").toFile());
        assertThat(m.at("/command").asText()).isEqualTo("fleet-make");
        // Presets in turn, seeds one apart, NIC rates x1 then x0.5 once every preset had its turn.
        assertThat(m.at("/hosts")).extracting(h -> h.get("preset").asText()).containsExactly("busy", "idle", "busy", "idle", "busy");
        assertThat(m.at("/hosts")).extracting(h -> h.get("seed").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(m.at("/hosts")).extracting(h -> h.get("nic_gbps").asDouble()).containsExactly(0.088, 0.088, 0.044, 0.044, 0.176);
        assertThat(m.at("/files")).hasSize(5);
        // Run again into the same folder: replaced (it is fleet make's own).
        assertThat(make(one, "--threads", "1").exitCode).isZero();
        assertThat(FleetLayout.list(one)).hasSize(5);
    }

    @Test
    void mistakesAreNamedAndLeaveNothing() throws IOException {
        Path out = dir.resolve("bad");
        CliRun r = make(out, "--preset", "busy,nope");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("unknown preset 'nope'");
        r = make(out, "--date", "2026-13-01");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("--date must be YYYY-MM-DD, got '2026-13-01'");
        assertThat(out).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aFileOutsideTheLayoutIsAnErrorNamingIt() throws IOException {
        Path fleet = dir.resolve("f");
        assertThat(make(fleet).exitCode).isZero();
        Files.writeString(fleet.resolve("host=host-000/notes.parquet"), "x");
        assertThatThrownBy(() -> FleetLayout.list(fleet)).isInstanceOf(UserException.class)
                .hasMessageContaining("host=host-000/notes.parquet is not where a fleet keeps its traces");
        assertThat(FleetLayout.parse("host=a b/date=2026-01-01/part-0.parquet")).isNull();
        assertThat(FleetLayout.parse("host=h/date=2026-02-30/part-0.parquet")).isNull();
        assertThat(FleetLayout.parse("host=h/date=2026-02-28/part-12.parquet"))
                .isEqualTo(new FleetLayout.Part("h", "2026-02-28", 12, "host=h/date=2026-02-28/part-12.parquet"));
    }
}
