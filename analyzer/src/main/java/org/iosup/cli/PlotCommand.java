package org.iosup.cli;

import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.report.chart.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code iosup plot}: PNG charts of a replay's or an analysis's output. */
@Command(name = "plot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Draw the figures of a replay or analyze output folder as PNG (or SVG, PDF) files.",
        description = {
            "Draw charts (JFreeChart, headless; PNG, and SVG or PDF with --format) of a replay output folder:",
            "flushes (the paper's Figure 5, calls and issued), cpu (Figure 6), pool-pages and pool-pages-by-level",
            "(Figures 7, 8), iotlb-misses (and per device) and dma-time; or of an analyze output folder: recorded",
            "and recorded-dma (per device)."
        })
public final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The output folder of replay or analyze.")
    Path dir;

    @Mixin
    Mixins.OutDir outDir;

    @Option(names = "--width", defaultValue = "1600", description = "Width in pixels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "900", description = "Height in pixels (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--warmup", defaultValue = "5m", paramLabel = "TIME",
            description = "Minutes left out of cpu.png's means (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--format", defaultValue = "png", paramLabel = "png,svg,pdf",
            description = {"Formats to write, comma-separated: png (default), svg and pdf (vector, for papers;",
                "JFreeSVG and JFreePDF), each figure as NAME.png, NAME.svg, NAME.pdf."})
    String format;

    @Option(names = "--log-y", defaultValue = "auto", paramLabel = "auto|on|off",
            description = {"Logarithmic value axis for per-minute charts: auto (default) when a chart's values span more",
                "than two decades (e.g. 40,000 calls beside 50), on, or off. Zero stays visible at the bottom."})
    String logY;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        if (width < 200 || height < 150 || width > 10_000 || height > 10_000) {
            throw new UserException("--width and --height must be within 200x150 .. 10000x10000");
        }
        List<String> files;
        int warm = org.iosup.analysis.Durations.wholeMinutes(warmup, "--warmup");
        Set<org.iosup.report.chart.Charts.Format> formats = org.iosup.report.chart.Charts.Format.parseList(format, "--format");
        org.iosup.report.chart.Charts.LogY log = org.iosup.report.chart.Charts.LogY.parse(logY, "--log-y");
        // Figures go beside the run they draw when -o names its folder; elsewhere, into a folder of plot's own.
        try (OutputFolder out = OutputFolder.open(outDir.path(), "plot", sameFolder(dir, outDir.path()) ? Plots.PLOTTED : Set.of())) {
            files = Plots.plot(dir, out, width, height, warm, formats, log);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("input", dir.toString());
            params.put("width", width);
            params.put("height", height);
            params.put("warmup_minutes", warm);
            params.put("log_y", log.name().toLowerCase(java.util.Locale.ROOT));
            params.put("formats", formats.stream().map(org.iosup.report.chart.Charts.Format::extension).toList());
            out.manifest(Map.of("parameters", params));
            out.commit();
        }
        if (!quiet.on()) {
            spec.commandLine().getOut().println(String.join("\n", files.stream().map(f -> outDir.path().resolve(f).toString()).toList()));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isDirectory(a) && Files.isDirectory(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
