package org.iosup.sweep;

import org.apache.commons.csv.CSVRecord;
import org.iosup.replayer.cli.SweepNicCommand;
import org.iosup.replayer.cli.SynthCommand;
import org.iosup.testing.CliRun;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iosup.testing.Csv.read;

class SweepNicCommandTest {
    @TempDir
    Path dir;

    /** netperf's TCP_STREAM: per frame a header read and a payload read, and an ACK received every second frame. */
    @Test
    void netperfIsATcpStreamFillingTheLink() {
        Path t = dir.resolve("np.parquet");
        CliRun r = CliRun.run(new SynthCommand(), "--preset", "netperf", "--minutes", "0.01", "--nic-gbps", "1", "-q",
                "-o", t.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        long reads = 0;
        long writes = 0;
        long payloadReads = 0;
        long processes = 0;
        try (ParquetTraceReader in = ParquetTraceReader.open(t, EnumSet.allOf(Column.class))) {
            EventBatch b = new EventBatch();
            while (in.next(b)) {
                for (int i = 0; i < b.size(); i++) {
                    if (b.kind()[i] == EventKind.PROC_CREATE.code()) {
                        processes++;
                    }
                    if (b.kind()[i] != EventKind.DMA.code()) {
                        continue;
                    }
                    assertThat(b.device()[i]).isEqualTo(0x0100);
                    if (b.write()[i]) {
                        writes++;
                        assertThat(b.bytes()[i]).isEqualTo(66);
                    } else {
                        reads++;
                        if (b.bytes()[i] != 66) {
                            payloadReads++;
                            assertThat(b.bytes()[i]).isLessThanOrEqualTo(1448);
                            long page = b.addr()[i] >>> 12;
                            assertThat(page).isBetween(0x90000L, 0x90000L + 1023); // the 4 MiB send buffer
                        }
                    }
                }
            }
        }
        // 0.6 s at 1 Gb/s: about 49,500 frames of 1,514 bytes.
        long frames = reads / 2;
        assertThat(frames).isBetween(48_000L, 51_000L);
        assertThat(writes).isEqualTo(frames / 2);
        assertThat(payloadReads).isEqualTo(frames);
        assertThat(processes).as("init and the session only").isEqualTo(2);
        Path churn = dir.resolve("churn.parquet");
        assertThat(CliRun.run(new SynthCommand(), "--preset", "netperf", "--minutes", "0.2", "--nic-gbps", "0.01",
                "--busy-churn", "-q", "-o", churn.toString()).exitCode).isZero();
        CliRun bad = CliRun.run(new SynthCommand(), "--preset", "busy", "--busy-churn", "-o", dir.resolve("x").toString());
        assertThat(bad.err).isEqualTo("synth: error: --busy-churn applies to --preset netperf, not to --preset busy\n");
    }

    @Test
    void theSweepWritesThroughputAndItsChart() throws IOException {
        Path out = dir.resolve("sweep");
        CliRun r = CliRun.run(new SweepNicCommand(), "--rates", "1,300", "--seconds", "0.05", "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<CSVRecord> rows = read(out.resolve("throughput.csv"));
        assertThat(rows).extracting(x -> x.get("link_gbps") + " " + x.get("dma_page_size") + " " + x.get("policy"))
                .containsExactly("1.0000 4k disabled", "1.0000 4k pre-enabled", "1.0000 2m disabled",
                        "1.0000 2m pre-enabled", "300.0000 4k disabled", "300.0000 4k pre-enabled",
                        "300.0000 2m disabled", "300.0000 2m pre-enabled");
        // At 1 Gb/s nothing is lost; at 300 Gb/s 4 KiB mappings lose capacity and 2 MiB ones do not.
        assertThat(rows.get(0).get("capacity_lost_pct")).isEqualTo("0.0000");
        assertThat(Double.parseDouble(rows.get(4).get("capacity_lost_pct"))).isPositive();
        assertThat(Double.parseDouble(rows.get(6).get("capacity_lost_pct"))).isLessThan(
                Double.parseDouble(rows.get(4).get("capacity_lost_pct")));
        for (CSVRecord row : rows) {
            assertThat(Double.parseDouble(row.get("capacity_gbps"))).isLessThanOrEqualTo(
                    Double.parseDouble(row.get("capacity_without_translation_gbps")));
        }
        BufferedImage png = ImageIO.read(out.resolve("throughput.png").toFile());
        assertThat(png.getWidth()).isEqualTo(1600);
        assertThat(png.getHeight()).isEqualTo(900);
        assertThat(r.out).contains("capacity Gb/s");
        // The same seed gives the same file.
        byte[] first = Files.readAllBytes(out.resolve("throughput.csv"));
        assertThat(CliRun.run(new SweepNicCommand(), "--rates", "1,300", "--seconds", "0.05", "-q", "-o", out.toString())
                .exitCode).isZero();
        assertThat(Files.readAllBytes(out.resolve("throughput.csv"))).isEqualTo(first);
    }

    @Test
    void badOptionsAreNamedAndLeaveNothing() {
        String[][] cases = {
            {"--rates", "1,fast", "sweep-nic: error: --rates: 'fast' is not a link rate in Gb/s above 0 and at most 10000\n"},
            {"--rates", "1,1", "sweep-nic: error: --rates 1,1: a rate is given twice\n"},
            {"--seconds", "0", "sweep-nic: error: --seconds must be above 0 and at most 3600, got 0.0\n"},
            {"--dma-page-size", "1g", "sweep-nic: error: --dma-page-size must list 4k and/or 2m, got '1g'\n"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.run(new SweepNicCommand(), c[0], c[1], "-o", dir.resolve("x").toString());
            assertThat(r.exitCode).as(c[1]).isEqualTo(2);
            assertThat(r.err).isEqualTo(c[2]);
        }
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
    }
}
