package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;

import java.util.Objects;

/**
 * Views of one URL counted before the shuffle by URL ({@link PreCountViews}): either a part of a window's count
 * ({@link #view} null), or one view passed on by itself ({@link #view} set, {@link #count} 1), which the pageviews
 * window can still put in its late output with its id and user.
 */
public class ViewCount {
    public String url;
    public long count;
    /** The view itself when it is passed on alone; null in a part of a count. */
    public ClickEvent view;

    public ViewCount() {}

    public ViewCount(String url, long count, ClickEvent view) {
        this.url = url;
        this.count = count;
        this.view = view;
    }

    /**
     * The view of a count that reached the pageviews window too late for it. Only views passed on alone can: a part
     * of a count is sent before the watermark that closes its window (see {@link PreCountViews}).
     */
    public ClickEvent lateView() {
        if (view == null) {
            throw new IllegalStateException("a count of " + count + " views of " + url + " reached the pageviews window "
                    + "after the allowed lateness; PreCountViews sends a count only before the watermark that closes "
                    + "its window, so its order of outputs was broken: report this with the job's watermark settings");
        }
        return view;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ViewCount)) return false;
        ViewCount v = (ViewCount) o;
        return count == v.count && Objects.equals(url, v.url) && Objects.equals(view, v.view);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, count, view);
    }

    @Override
    public String toString() {
        return url + " x" + count + (view == null ? "" : " (" + view.eventId + ")");
    }
}
