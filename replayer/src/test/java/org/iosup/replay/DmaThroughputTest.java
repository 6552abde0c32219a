package org.iosup.replay;

import org.apache.commons.csv.CSVRecord;
import org.iosup.cli.IngestCommand;
import org.iosup.replayer.cli.ReplayCommand;
import org.iosup.report.replay.ReplayReport;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.iosup.testing.Csv.read;

/** The throughput model's arithmetic on one device with known DMA, and devices.csv as written. */
class DmaThroughputTest {
    @TempDir
    Path dir;

    @Test
    void theCapacityFormula() {
        DmaThroughput nic = new DmaThroughput(0x0100, 400, 32, 1000);
        double bits = 1514 * 8;
        assertThat(nic.capacity(1514, 0)).isCloseTo(32 * bits / (1000 + bits / 400), within(1e-9));
        assertThat(nic.capacity(1514, 400)).isCloseTo(32 * bits / (1000 + bits / 400 + 400), within(1e-9));
        // At 1 Gb/s the link, not the pipeline, limits: translation costs nothing.
        DmaThroughput slow = new DmaThroughput(0x0100, 1, 32, 1000);
        assertThat(slow.capacity(1514, 400)).isEqualTo(1);
        // The rate from which 400 ns per DMA costs 1%: there capacity is 99% of the link.
        double r = nic.linkGbpsLosingOnePercent(1514, 400);
        DmaThroughput at = new DmaThroughput(0x0100, r, 32, 1000);
        assertThat(at.capacity(1514, 400)).isCloseTo(0.99 * r, within(1e-6 * r));
        DmaThroughput.Minute m = nic.minute(10, 15_140, 4_000, 60);
        assertThat(m.translationNsPerDma()).isEqualTo(400);
        assertThat(m.capacityLostPct()).isCloseTo((nic.capacity(1514, 0) - nic.capacity(1514, 400)) * 100
                / nic.capacity(1514, 0), within(1e-9));
        assertThat(m.achievedGbps()).isEqualTo(m.offeredGbps());
    }

    @Test
    void devicesCsvOfOneDeviceWithKnownMisses() throws IOException {
        // Ten packets of 1,514 bytes to ten pages, each a cold miss: with no paging-structure caches
        // every walk reads 4 entries, 100 ns each under the defaults.
        StringBuilder csv = new StringBuilder("ts_ns,kind,device,addr,bytes,write\n");
        for (int k = 0; k < 10; k++) {
            csv.append(1000 + k).append(",DMA,256,").append(0x80000000L + k * 4096L).append(",1514,true\n");
        }
        Path in = dir.resolve("nic.csv");
        Files.writeString(in, csv);
        Path trace = dir.resolve("nic.parquet");
        assertThat(CliRun.run(new IngestCommand(), in.toString(), "-o", trace.toString(), "-q").exitCode).isZero();
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(new ReplayCommand(), trace.toString(), "--policy", "disabled", "--costs", "defaults",
                "--psc-entries", "0,0,0", "--device", "0x0100=400", "-o", out.toString(), "-q");
        assertThat(r.exitCode).as(r.toString()).isZero();
        try (Stream<String> lines = Files.lines(out.resolve("devices.csv"))) {
            assertThat(lines.findFirst().orElseThrow()).isEqualTo(String.join(",", ReplayReport.DEVICES.fieldNames()));
        }
        List<CSVRecord> rows = read(out.resolve("devices.csv"));
        assertThat(rows).hasSize(1);
        CSVRecord row = rows.get(0);
        assertThat(row.get("device")).isEqualTo("256");
        assertThat(row.get("dmas")).isEqualTo("10");
        assertThat(row.get("bytes")).isEqualTo("15140");
        assertThat(row.get("lookups")).isEqualTo("10");
        assertThat(row.get("misses")).isEqualTo("10");
        assertThat(row.get("walk_reads")).isEqualTo("40");
        assertThat(row.get("translation_ns")).isEqualTo("4000");
        DmaThroughput nic = new DmaThroughput(256, 400, 32, 1000);
        assertThat(Double.parseDouble(row.get("capacity_gbps"))).isCloseTo(nic.capacity(1514, 400), within(1e-4));
        assertThat(Double.parseDouble(row.get("capacity_without_translation_gbps"))).isCloseTo(nic.capacity(1514, 0),
                within(1e-4));
        assertThat(Double.parseDouble(row.get("capacity_lost_pct"))).isCloseTo(
                (nic.capacity(1514, 0) - nic.capacity(1514, 400)) * 100 / nic.capacity(1514, 0), within(1e-4));
        List<CSVRecord> summary = read(out.resolve("summary.csv"));
        assertThat(summary.get(0).get("iotlb_walk_reads")).isEqualTo("40");
        assertThat(summary.get(0).get("iotlb_miss_ns")).isEqualTo("4000");

        // With the default caches the first walk fills them: one full walk, then the PTE only.
        Path cached = dir.resolve("cached");
        assertThat(CliRun.run(new ReplayCommand(), trace.toString(), "--policy", "disabled", "--costs", "defaults",
                "-o", cached.toString(), "-q").exitCode).isZero();
        assertThat(read(cached.resolve("devices.csv")).get(0).get("walk_reads")).isEqualTo(String.valueOf(4 + 9));
    }

    @Test
    void badDeviceAndCacheOptionsAreNamed() throws IOException {
        Path trace = dir.resolve("t.parquet");
        Files.writeString(dir.resolve("t.csv"), "ts_ns,kind,pid\n0,PROC_CREATE,1\n");
        CliRun.run(new IngestCommand(), dir.resolve("t.csv").toString(), "-o", trace.toString(), "-q");
        String[][] cases = {
            {"--device", "0x0100", "--device 0x0100: give ID=GBPS[,inflight=N][,latency=NS], e.g. --device 0x0100=10"},
            {"--device", "nic=10", "--device nic=10: 'nic' is not a PCI requester id (e.g. 0x0100 or 256)"},
            {"--device", "0x0100=10,tags=3", "--device 0x0100=10,tags=3: unknown option 'tags' (valid: inflight=N, latency=NS)"},
            {"--device", "0x0100=0", "--device: the link rate must be above 0 and at most 10000 Gb/s, got 0.0"},
            {"--psc-entries", "16,4", "--psc-entries 16,4: give three counts, PDE,PDPE,PML4 (e.g. 16,4,1)"},
            {"--psc-invalidation", "all", "--psc-invalidation must be range or domain, got 'all'"},
            {"--dma-page-size", "1g", "--dma-page-size must be 4k or 2m, got '1g'"},
            {"--io-levels", "5", "--io-levels must be 3 or 4, got 5"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.run(new ReplayCommand(), trace.toString(), c[0], c[1], "-o", dir.resolve("x").toString());
            assertThat(r.exitCode).as(c[1]).isEqualTo(2);
            assertThat(r.err).isEqualTo("replay: error: " + c[2] + "\n");
        }
        CliRun twice = CliRun.run(new ReplayCommand(), trace.toString(), "--device", "256=1", "--device", "0x100=2",
                "-o", dir.resolve("x").toString());
        assertThat(twice.err).isEqualTo("replay: error: --device 0x0100 is given twice\n");
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
    }
}
