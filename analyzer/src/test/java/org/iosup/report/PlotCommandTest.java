package org.iosup.report;

import org.iosup.analysis.Compare;
import org.iosup.cli.PlotCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlotCommandTest {
    @TempDir
    Path dir;

    /** Asserts a real PNG of the size asked for, with a chart on it (many colours, not blank). */
    static void assertChart(Path png, int width, int height) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as(png.toString()).isNotNull();
        assertThat(img.getWidth()).isEqualTo(width);
        assertThat(img.getHeight()).isEqualTo(height);
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < height; y += 3) {
            for (int x = 0; x < width; x += 3) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                nonWhite += rgb != 0xffffff ? 1 : 0;
            }
        }
        assertThat(colours.size()).as(png + " colours").isGreaterThan(20);
        assertThat(nonWhite).as(png + " drawn pixels").isGreaterThan(1000);
    }

    private Path replayOutput() throws IOException {
        Path d = dir.resolve("run");
        Files.createDirectories(d);
        List<String> cols = Compare.REPLAY_MINUTES.fieldNames();
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        String[] policies = {"cache-disabled", "cache-pre-enabled", "cache-dynamic-enabled"};
        for (String p : policies) {
            for (int m = 0; m < 12; m++) {
                List<String> row = new ArrayList<>();
                for (String c : cols) {
                    long v = c.equals("minute") ? m : (c.hashCode() & 0xff) * (m + 1) * (p.length() % 5 + 1);
                    row.add(c.equals("policy") ? p : Long.toString(v));
                }
                sb.append(String.join(",", row)).append('\n');
            }
        }
        Files.writeString(d.resolve("minutes.csv"), sb);
        return d;
    }

    @Test
    void drawsEveryReplayFigureAtTheSizeAsked() throws IOException {
        Path out = dir.resolve("png");
        CliRun r = CliRun.run(new PlotCommand(), replayOutput().toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        for (String f : new String[] {"flushes.png", "cpu.png", "pool-pages.png", "pool-pages-by-level.png", "iotlb-misses.png", "dma-time.png"}) {
            assertChart(out.resolve(f), 1600, 900);
        }
        CliRun small = CliRun.run(new PlotCommand(), replayOutput().toString(), "-o", dir.resolve("s").toString(),
                "--width", "800", "--height", "450", "-q");
        assertThat(small.exitCode).isZero();
        assertChart(dir.resolve("s/flushes.png"), 800, 450);
    }

    @Test
    void aFolderWithoutOutputsIsAnError() {
        CliRun r = CliRun.run(new PlotCommand(), dir.toString(), "-o", dir.resolve("png").toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("no minutes.csv (plot takes the output folder of replay or analyze)");
    }
}
