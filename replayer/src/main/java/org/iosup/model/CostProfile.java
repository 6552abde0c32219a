package org.iosup.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.iosup.io.Failures;
import org.iosup.io.UserException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named cost profile ({@code schemas/cost-profile.schema.json}): the costs of one machine, which
 * of them were fitted (by {@code iosup calibrate}, to which targets), and a description. Built-in
 * profiles ship in the jar ({@code defaults}: every {@link Cost} at its documented default;
 * {@code paper-i5-3470}: the paper's machine, fitted to Figure 6 only); any other name is a file.
 *
 * @param name        the profile's name
 * @param description what machine it stands for and how it was made
 * @param costs       every cost in effect (keys not in the file keep their defaults)
 * @param fitted      the keys whose values come from a fit, not from a source or an assumption
 * @param fit         how they were fitted (the command, the targets and residuals), or empty
 * @param platform    what the machine has besides its costs (its IOMMU units), with the source
 */
public record CostProfile(String name, String description, CostModel costs, List<String> fitted, Map<String, Object> fit,
                          Platform platform) {
    /**
     * The machine's hardware a replay needs besides its costs.
     *
     * @param iommuUnits the IOMMU units (DRHDs) in the domain's bitmap: each flush is one call per unit
     * @param source     where the figure comes from (empty for the one-unit default)
     */
    public record Platform(int iommuUnits, String source) {
        /** One unit, nothing claimed: a profile that does not say. */
        public static final Platform UNSTATED = new Platform(1, "");
    }

    /** A profile that says nothing about the platform (one IOMMU unit). */
    public CostProfile(String name, String description, CostModel costs, List<String> fitted, Map<String, Object> fit) {
        this(name, description, costs, fitted, fit, Platform.UNSTATED);
    }

    /** The profile replay and demo use unless told otherwise: the paper's machine. */
    public static final String DEFAULT_NAME = "paper-i5-3470";
    /** The built-in profiles. */
    public static final List<String> BUILT_IN = List.of("paper-i5-3470", "defaults");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The default profile. */
    public static CostProfile standard() {
        return load(DEFAULT_NAME);
    }

    /** A built-in profile by name, or a profile file. */
    public static CostProfile load(String nameOrFile) {
        if (BUILT_IN.contains(nameOrFile)) {
            if (nameOrFile.equals("defaults")) {
                return new CostProfile("defaults", "every cost at its documented default (docs/model.md §7); nothing fitted",
                        CostModel.DEFAULT, List.of(), Map.of());
            }
            try (InputStream in = CostProfile.class.getResourceAsStream("/org/iosup/costs/" + nameOrFile + ".json")) {
                if (in == null) {
                    throw new IllegalStateException("built-in cost profile missing from the build: " + nameOrFile);
                }
                return parse(JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() { }), nameOrFile);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read built-in cost profile " + nameOrFile, e);
            }
        }
        Path p = Path.of(nameOrFile);
        if (!Files.isRegularFile(p)) {
            throw new UserException("--costs " + nameOrFile + ": no such file, and not a built-in profile (built in: "
                    + String.join(", ", BUILT_IN) + ")");
        }
        try {
            return parse(JSON.readValue(p.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { }), p.toString());
        } catch (IOException e) {
            throw new UserException(p + ": not a cost profile (" + Failures.reason(e).lines().findFirst().orElse("")
                    + "); see schemas/cost-profile.schema.json");
        }
    }

    private static CostProfile parse(Map<String, Object> m, String where) {
        for (String k : m.keySet()) {
            if (!List.of("profile", "description", "costs", "fitted", "fit", "platform").contains(k)) {
                throw new UserException(where + ": unknown key '" + k
                        + "' (valid: profile, description, costs, fitted, fit, platform)");
            }
        }
        if (!(m.get("profile") instanceof String name) || name.isBlank()) {
            throw new UserException(where + ": key 'profile' must name the profile");
        }
        if (!(m.get("costs") instanceof Map<?, ?> raw)) {
            throw new UserException(where + ": key 'costs' must be an object of cost names to values");
        }
        Map<String, Long> costs = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (Cost.byKey(key) == null) {
                throw new UserException(where + ": costs: unknown cost '" + key + "'");
            }
            if (!(e.getValue() instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.doubleValue() < 0 || n.doubleValue() > 1e12) {
                throw new UserException(where + ": costs: " + key + " must be a whole number 0..1e12, got " + e.getValue());
            }
            costs.put(key, n.longValue());
        }
        List<String> fitted = new ArrayList<>();
        if (m.get("fitted") instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof String s) || Cost.byKey(s) == null) {
                    throw new UserException(where + ": fitted: '" + o + "' is not a cost");
                }
                fitted.add(s);
            }
        } else if (m.containsKey("fitted")) {
            throw new UserException(where + ": key 'fitted' must be a list of cost names");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fit = m.get("fit") instanceof Map<?, ?> f ? (Map<String, Object>) f : Map.of();
        String description = m.get("description") instanceof String d ? d : "";
        return new CostProfile(name, description, CostModel.of(costs), List.copyOf(fitted), fit, platform(m, where));
    }

    private static Platform platform(Map<String, Object> m, String where) {
        if (!m.containsKey("platform")) {
            return Platform.UNSTATED;
        }
        if (!(m.get("platform") instanceof Map<?, ?> p)) {
            throw new UserException(where + ": key 'platform' must be an object (iommu_units, source)");
        }
        for (Object k : p.keySet()) {
            if (!List.of("iommu_units", "source").contains(String.valueOf(k))) {
                throw new UserException(where + ": platform: unknown key '" + k + "' (valid: iommu_units, source)");
            }
        }
        Object u = p.containsKey("iommu_units") ? p.get("iommu_units") : 1;
        if (!(u instanceof Integer units) || units < 1 || units > 64) {
            throw new UserException(where + ": platform: iommu_units must be a whole number 1..64, got " + u);
        }
        Object s = p.containsKey("source") ? p.get("source") : "";
        if (!(s instanceof String source)) {
            throw new UserException(where + ": platform: source must be text, got " + s);
        }
        return new Platform(units, source);
    }

    /** This profile with {@code --cost} overrides: the name notes them, a fitted cost overridden is no longer fitted. */
    public CostProfile withOverrides(Map<Cost, Long> overrides) {
        if (overrides.isEmpty()) {
            return this;
        }
        CostModel c = costs;
        List<String> f = new ArrayList<>(fitted);
        for (var e : overrides.entrySet()) {
            c = c.with(e.getKey(), e.getValue());
            f.remove(e.getKey().key());
        }
        return new CostProfile(name + " with --cost", description, c, List.copyOf(f), fit, platform);
    }

    /** This profile on another platform. */
    public CostProfile withPlatform(Platform p) {
        if (p.iommuUnits() < 1 || p.iommuUnits() > 64) {
            throw new UserException("--iommu-units must be 1..64, got " + p.iommuUnits());
        }
        return new CostProfile(name, description, costs, fitted, fit, p);
    }

    /** The profile as a JSON document (every cost written out). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", name);
        m.put("description", description);
        m.put("costs", costs.asMap());
        m.put("fitted", fitted);
        if (!fit.isEmpty()) {
            m.put("fit", fit);
        }
        if (!platform.equals(Platform.UNSTATED)) {
            m.put("platform", platformJson());
        }
        return m;
    }

    /** The JSON text of {@link #toJson()}. */
    public String toJsonText() {
        try {
            return JSON.writeValueAsString(toJson()) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For the manifest: the name, the fitted keys and every value. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", name);
        m.put("fitted", fitted);
        m.put("costs", costs.asMap());
        m.put("platform", platformJson());
        return m;
    }

    private Map<String, Object> platformJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iommu_units", platform.iommuUnits());
        m.put("source", platform.source());
        return m;
    }
}
