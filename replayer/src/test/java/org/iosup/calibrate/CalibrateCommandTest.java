package org.iosup.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.iosup.model.Cost;
import org.iosup.model.CostProfile;
import org.iosup.replayer.cli.CalibrateCommand;
import org.iosup.replayer.cli.ReplayCommand;
import org.iosup.replayer.cli.SynthCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CalibrateCommandTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    static Path trace;

    /** A short busy trace, and the figures the model gives on it with known costs. */
    @BeforeAll
    static void traceWithKnownCosts() {
        trace = shared.resolve("busy.parquet");
        CliRun r = CliRun.run(new SynthCommand(), "--preset", "busy", "--minutes", "4", "--nic-gbps", "0.001", "-q",
                "-o", trace.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
    }

    private static List<CSVRecord> read(Path csv) throws IOException {
        try (Reader in = Files.newBufferedReader(csv)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setCommentMarker('#').get()
                    .parse(in).getRecords();
        }
    }

    /** The summary of a replay of the shared trace under {@code defaults} with {@code --cost} overrides. */
    private List<CSVRecord> measured(String... costs) throws IOException {
        Path out = dir.resolve("measured");
        List<String> args = new ArrayList<>(List.of(trace.toString(), "--policy", "disabled", "--policy", "pre-enabled",
                "--costs", "defaults", "-q", "-o", out.toString()));
        for (String c : costs) {
            args.add("--cost");
            args.add(c);
        }
        CliRun r = CliRun.run(new ReplayCommand(), args.toArray(String[]::new));
        assertThat(r.exitCode).as(r.toString()).isZero();
        return read(out.resolve("summary.csv"));
    }

    private Path targets(String... lines) throws IOException {
        Path f = dir.resolve("targets.csv");
        Files.writeString(f, "trace,policy,metric,value\n" + String.join("\n", lines) + "\n");
        return f;
    }

    private CliRun calibrate(Path targets, String... more) {
        List<String> args = new ArrayList<>(List.of("--targets", targets.toString(), "--warmup", "0", "-o",
                dir.resolve("cal").toString()));
        args.addAll(Arrays.asList(more));
        return CliRun.run(new CalibrateCommand(), args.toArray(String[]::new));
    }

    @Test
    void recoversTheCostsThatMadeTheTargets() throws IOException {
        CSVRecord pre = measured("table_ctor_ns=777", "buddy_free_ns=333").get(1);
        Path t = targets(
                trace + ",pre-enabled,cpu_ns_alloc_change_pct," + pre.get("cpu_ns_alloc_change_pct"),
                trace + ",pre-enabled,cpu_ns_free_change_pct," + pre.get("cpu_ns_free_change_pct"),
                trace + ",pre-enabled,cpu_us_per_exit," + pre.get("cpu_us_per_exit"));
        CliRun r = calibrate(t, "--fit", "table_ctor_ns=0..5000", "--fit", "buddy_free_ns=0..5000", "--name", "known");
        assertThat(r.exitCode).as(r.toString()).isZero();
        CostProfile p = CostProfile.load(dir.resolve("cal/profile.json").toString());
        assertThat(p.name()).isEqualTo("known");
        assertThat(p.costs().get(Cost.TABLE_CTOR)).isCloseTo(777L, within(1L));
        assertThat(p.costs().get(Cost.BUDDY_FREE)).isCloseTo(333L, within(1L));
        assertThat(p.costs().get(Cost.HYPERCALL)).isEqualTo(Cost.HYPERCALL.defaultValue());
        assertThat(p.fitted()).containsExactly("table_ctor_ns", "buddy_free_ns");
        assertThat(p.fit().get("command").toString()).startsWith("iosup calibrate --targets " + t);

        List<CSVRecord> residuals = read(dir.resolve("cal/residuals.csv"));
        assertThat(residuals).extracting(x -> x.get("line")).containsExactly("2", "3", "4");
        assertThat(residuals).extracting(x -> x.get("baseline")).containsOnly("disabled");
        for (CSVRecord row : residuals) {
            assertThat(Math.abs(Double.parseDouble(row.get("residual")))).as(row.toString()).isLessThan(0.05);
        }
        assertThat(residuals.get(0).get("unit")).isEqualTo("percentage points");
        assertThat(residuals.get(2).get("unit")).isEqualTo("percent");
        assertThat(r.out).contains("table_ctor_ns").contains("cpu_ns_free_change_pct");
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("cal/manifest.json").toFile());
        assertThat(manifest.at("/command").asText()).isEqualTo("calibrate");
        assertThat(manifest.at("/results/fitted/table_ctor_ns").asLong()).isEqualTo(p.costs().get(Cost.TABLE_CTOR));

        // Deterministic: the same targets give the same files.
        byte[] first = Files.readAllBytes(dir.resolve("cal/profile.json"));
        assertThat(calibrate(t, "--fit", "table_ctor_ns=0..5000", "--fit", "buddy_free_ns=0..5000", "--name", "known")
                .exitCode).isZero();
        assertThat(Files.readAllBytes(dir.resolve("cal/profile.json"))).isEqualTo(first);

        // The fitted profile drives a replay, which then gives the targets' figures.
        Path out = dir.resolve("again");
        assertThat(CliRun.run(new ReplayCommand(), trace.toString(), "--policy", "disabled", "--policy", "pre-enabled",
                "--costs", dir.resolve("cal/profile.json").toString(), "-q", "-o", out.toString()).exitCode).isZero();
        assertThat(Double.parseDouble(read(out.resolve("summary.csv")).get(1).get("cpu_ns_alloc_change_pct")))
                .isCloseTo(Double.parseDouble(pre.get("cpu_ns_alloc_change_pct")), within(0.05));
        JsonNode replayManifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(replayManifest.at("/parameters/cost_profile/profile").asText()).isEqualTo("known");
    }

    @Test
    void refusesAFitThatCannotBeTrusted() throws IOException {
        Path t = targets(trace + ",pre-enabled,cpu_ns_alloc_change_pct,-45.1",
                trace + ",pre-enabled,cpu_ns_free_change_pct,-99.5");
        // More parameters than targets.
        CliRun many = calibrate(t, "--fit", "table_ctor_ns=0..5000", "--fit", "buddy_free_ns=0..5000", "--fit",
                "zero_page_ns=0..5000");
        assertThat(many.exitCode).isEqualTo(2);
        assertThat(many.err).isEqualTo("calibrate: error: 3 parameters cannot be fitted to 2 target(s): the fit would"
                + " not be determined; fit fewer parameters or give more targets\n");
        // -99.5% of the free path needs a free cheaper than nothing: the fit ends on its bound.
        CliRun bound = calibrate(t, "--fit", "table_ctor_ns=0..5000", "--fit", "table_dtor_ns=0..5000");
        assertThat(bound.exitCode).isEqualTo(2);
        assertThat(bound.err).startsWith("calibrate: error: --fit table_dtor_ns: the fit ends on its bound (")
                .endsWith("in 0..5000): the targets want a value outside the range given, or another parameter;"
                        + " nothing written\n");
        // A count is not fitted; a malformed --fit is named.
        CliRun count = calibrate(t, "--fit", "multicall_batch=1..64");
        assertThat(count.exitCode).isEqualTo(2);
        assertThat(count.err).contains("--fit multicall_batch: a count, not a cost in ns");
        CliRun malformed = calibrate(t, "--fit", "table_ctor_ns=5000");
        assertThat(malformed.exitCode).isEqualTo(2);
        assertThat(malformed.err).isEqualTo("calibrate: error: --fit table_ctor_ns=5000: give NAME=LOW..HIGH in ns, e.g."
                + " --fit table_ctor_ns=0..5000\n");
        CliRun unknown = calibrate(t, "--fit", "tabel_ctor_ns=0..5");
        assertThat(unknown.exitCode).isEqualTo(2);
        assertThat(unknown.err).contains("unknown cost 'tabel_ctor_ns'");
        // A target the tool does not know is named by its line and column.
        Path bad = targets(trace + ",pre-enabled,cpu_ns_alloc_change_pct,-45.1", trace + ",pre-enabled,flushes,3");
        CliRun metric = calibrate(bad, "--fit", "table_ctor_ns=0..5000");
        assertThat(metric.exitCode).isEqualTo(2);
        assertThat(metric.err).startsWith("calibrate: error: " + bad + " line 3: column 'metric' value 'flushes': not a"
                + " figure calibrate knows");
        Path notNumber = targets(trace + ",pre-enabled,cpu_ns_alloc_change_pct,lots");
        assertThat(calibrate(notNumber, "--fit", "table_ctor_ns=0..5000").err).isEqualTo("calibrate: error: "
                + notNumber + " line 2: column 'value' value 'lots': not a number\n");
        // Nothing was written by any of them.
        assertThat(Files.exists(dir.resolve("cal"))).isFalse();
    }

    @Test
    void aProfileFileRoundTrips() throws IOException {
        CostProfile shipped = CostProfile.load("paper-i5-3470");
        Path f = dir.resolve("p.json");
        Files.writeString(f, shipped.toJsonText());
        CostProfile back = CostProfile.load(f.toString());
        assertThat(back.costs().asMap()).isEqualTo(shipped.costs().asMap());
        assertThat(back.fitted()).isEqualTo(shipped.fitted());
        assertThat(back.fit()).isEqualTo(shipped.fit());
        assertThat(back.toJsonText()).isEqualTo(shipped.toJsonText());
        // A file naming only some costs keeps the defaults of the rest; unknown names are refused.
        Files.writeString(f, "{\"profile\": \"mine\", \"costs\": {\"hypercall_ns\": 1500}}");
        CostProfile partial = CostProfile.load(f.toString());
        assertThat(partial.costs().get(Cost.HYPERCALL)).isEqualTo(1500);
        assertThat(partial.costs().get(Cost.ZERO_PAGE)).isEqualTo(Cost.ZERO_PAGE.defaultValue());
        Files.writeString(f, "{\"profile\": \"mine\", \"costs\": {\"hypercal_ns\": 1500}}");
        CliRun r = CliRun.run(new ReplayCommand(), trace.toString(), "--costs", f.toString(), "-o",
                dir.resolve("x").toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("replay: error: " + f + ": costs: unknown cost 'hypercal_ns'\n");
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
    }

    @Test
    void theSchemaNamesEveryCost() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Path.of("..", "schemas", "cost-profile.schema.json").toFile());
        List<String> names = new ArrayList<>();
        schema.at("/properties/costs/propertyNames/enum").forEach(n -> names.add(n.asText()));
        assertThat(names).containsExactlyElementsOf(CostProfile.load("defaults").costs().asMap().keySet());
    }

    /** The shipped profile is what its recorded command gives, and was fitted to Figure 6 within 2 points. */
    @Test
    void theShippedProfileIsWhatItsCommandGives() throws IOException {
        CostProfile shipped = CostProfile.load("paper-i5-3470");
        assertThat(shipped.fitted()).containsExactly("table_ctor_ns", "buddy_free_ns");
        JsonNode fit = new ObjectMapper().valueToTree(shipped.fit());
        assertThat(fit.at("/command").asText()).startsWith("iosup calibrate --targets docs/calibration/paper-fig6.csv"
                + " --fit table_ctor_ns=0..20000 --fit buddy_free_ns=0..20000 --profile xen-4.2.1 --warmup 5m");
        for (JsonNode t : fit.at("/targets")) {
            assertThat(Math.abs(t.get("residual").asDouble())).as(t.toString()).isLessThan(2);
        }
        CliRun r = CliRun.run(new CalibrateCommand(), "--targets", Path.of("..", "docs", "calibration", "paper-fig6.csv")
                .toString(), "--fit", "table_ctor_ns=0..20000", "--fit", "buddy_free_ns=0..20000", "--iommu-units",
                String.valueOf(shipped.platform().iommuUnits()), "--platform-source", shipped.platform().source(), "-q",
                "-o", dir.resolve("paper").toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        CostProfile again = CostProfile.load(dir.resolve("paper/profile.json").toString());
        assertThat(again.costs().asMap()).isEqualTo(shipped.costs().asMap());
        assertThat(again.platform()).isEqualTo(shipped.platform());
        assertThat(shipped.platform().iommuUnits()).isEqualTo(2);
        assertThat(shipped.platform().source()).contains("coreboot").contains("__intel_iommu_iotlb_flush");
    }
}
