package org.iosup.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The tool's version, from the build ({@code org/iosup/version.properties}), for manifests and {@code --version}. */
public final class ToolVersion {
    private static final String VERSION = load();

    private ToolVersion() {
    }

    /** The tool version, e.g. {@code 0.1.0}, or {@code unknown} outside a build. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = ToolVersion.class.getResourceAsStream("/org/iosup/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Fall through to "unknown".
        }
        return p.getProperty("version", "unknown");
    }
}
