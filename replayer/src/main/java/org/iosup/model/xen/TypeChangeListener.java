package org.iosup.model.xen;

import org.iosup.trace.PageType;

/** Told of every page-type change, so that the IOMMU can follow it (Xen's IOMMU hook). */
@FunctionalInterface
public interface TypeChangeListener {
    void typeChanged(long frame, PageType from, PageType to);
}
