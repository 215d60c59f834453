package io.clickstream.analytics;

import java.util.Objects;

/** Views of one URL in one event-time window. A late event inside the allowed lateness re-emits it with revision + 1. */
public class PageviewCount {
    public String url;
    public long windowStart;
    public long windowEnd;
    public long views;
    /** 0 for the on-time result; each correction by a late event adds one. The highest revision is the answer. */
    public int revision;

    public PageviewCount() {}

    public PageviewCount(String url, long windowStart, long windowEnd, long views, int revision) {
        this.url = url;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.views = views;
        this.revision = revision;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PageviewCount)) return false;
        PageviewCount p = (PageviewCount) o;
        return windowStart == p.windowStart && windowEnd == p.windowEnd && views == p.views
                && revision == p.revision && Objects.equals(url, p.url);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, windowStart, windowEnd, views, revision);
    }

    @Override
    public String toString() {
        return url + " [" + windowStart + "," + windowEnd + ") views=" + views + " rev=" + revision;
    }
}
