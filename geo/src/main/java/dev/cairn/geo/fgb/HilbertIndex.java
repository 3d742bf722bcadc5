package dev.cairn.geo.fgb;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.locationtech.jts.geom.Envelope;
import org.wololo.flatgeobuf.NodeItem;
import org.wololo.flatgeobuf.PackedRTree;

/**
 * Collects one entry per feature (envelope, place and length in the side file: 44 bytes, in
 * primitive arrays) and writes the packed Hilbert R-tree of FlatGeobuf.
 *
 * <p>Layout (as in the reference implementation and GDAL): nodes of 40 bytes (minX, minY, maxX,
 * maxY as float64, offset as uint64, little-endian), levels stored top-down: the root first, the
 * leaves last. A leaf's offset is its feature's byte offset from the start of the features
 * section; an inner node's offset is the index of its first child node. Leaves are in Hilbert
 * order of their envelope centres (Hilbert values from the library's
 * {@link PackedRTree#hibert}), and the features must be written in that same order.
 *
 * <p>A NULL or empty geometry gets the inverted box (+∞, +∞, −∞, −∞): it never matches a query
 * and leaves its parents' boxes unchanged.
 */
final class HilbertIndex {
    static final int NODE_SIZE = 16;
    private static final int HILBERT_MAX = (1 << 16) - 1;

    private double[] boxes;
    private long[] places;
    private int[] lengths;
    private int count;
    /** minX, minY, maxX, maxY of the non-empty boxes; meaningless while {@link #extentNull}. */
    private final double[] extent = new double[4];
    private boolean extentNull = true;

    HilbertIndex() {
        this(1024);
    }

    /** An index with room for {@code capacity} entries before it grows. */
    HilbertIndex(int capacity) {
        int n = Math.max(16, capacity);
        boxes = new double[4 * n];
        places = new long[n];
        lengths = new int[n];
    }

    void add(Envelope env, long place, int length) {
        if (env == null || env.isNull()) {
            add(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    place, length);
        } else {
            add(env.getMinX(), env.getMinY(), env.getMaxX(), env.getMaxY(), place, length);
        }
    }

    /**
     * Adds an entry by its box; an inverted box ({@code maxX < minX}, as {@link Envelope#isNull})
     * is a feature without geometry. The extent grows exactly as {@link Envelope#expandToInclude(Envelope)}
     * would (same comparisons, so the same doubles, signed zeros included, whichever way the entries come).
     */
    void add(double minX, double minY, double maxX, double maxY, long place, int length) {
        if (count == places.length) {
            int n = count + (count >> 1);
            boxes = Arrays.copyOf(boxes, 4 * n);
            places = Arrays.copyOf(places, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        int b = 4 * count;
        boxes[b] = minX;
        boxes[b + 1] = minY;
        boxes[b + 2] = maxX;
        boxes[b + 3] = maxY;
        if (!(maxX < minX)) {
            if (extentNull) {
                extentNull = false;
                extent[0] = minX;
                extent[1] = minY;
                extent[2] = maxX;
                extent[3] = maxY;
            } else {
                if (minX < extent[0]) {
                    extent[0] = minX;
                }
                if (maxX > extent[2]) {
                    extent[2] = maxX;
                }
                if (minY < extent[1]) {
                    extent[1] = minY;
                }
                if (maxY > extent[3]) {
                    extent[3] = maxY;
                }
            }
        }
        places[count] = place;
        lengths[count] = length;
        count++;
    }

    int count() {
        return count;
    }

    /** The union of all non-empty boxes (minX, minY, maxX, maxY), or null when there is none. */
    double[] extent() {
        return extentNull ? null : extent.clone();
    }

    /**
     * The feature indexes (in insertion order) sorted by Hilbert value, ties in insertion order.
     * Puts the boxes in that order too, for {@link #write} to read them one after the other rather
     * than all over 32 bytes × count (one pass of scattered reads instead of two); places and
     * lengths stay by insertion index. Called once, after the last {@link #add}.
     */
    int[] hilbertOrder() {
        long[] keys = new long[count];
        double w = extentNull ? 0 : extent[2] - extent[0];
        double h = extentNull ? 0 : extent[3] - extent[1];
        double minX = extentNull ? 0 : extent[0];
        double minY = extentNull ? 0 : extent[1];
        // keys and sort on every core: they are most of the assembly's serial time after the copy
        java.util.stream.IntStream.range(0, count).parallel().forEach(i -> {
            int b = 4 * i;
            long hv = 0;
            if (boxes[b] <= boxes[b + 2]) {
                hv = PackedRTree.hibert(new NodeItem(boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3]),
                        HILBERT_MAX, minX, minY, w, h) & 0xffffffffL;
            }
            keys[i] = hv << 32 | i;
        });
        Arrays.parallelSort(keys);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = (int) keys[i];
        }
        sortBoxes(order);
        return order;
    }

    /**
     * Puts box {@code r} where the box of {@code order[r]} is: gathered into a new array on every
     * core (the boxes are in memory twice for that moment, 32 bytes a feature more). Following
     * the permutation's cycles in place was one thread of scattered moves, 2 % of the CPU samples
     * of a FlatGeobuf conversion of 1M polygons (JFR), in the assembly that runs after every chunk.
     */
    private void sortBoxes(int[] order) {
        double[] from = boxes;
        double[] sorted = new double[4 * count];
        java.util.stream.IntStream.range(0, count).parallel().forEach(r -> {
            int f4 = 4 * order[r];
            int r4 = 4 * r;
            sorted[r4] = from[f4];
            sorted[r4 + 1] = from[f4 + 1];
            sorted[r4 + 2] = from[f4 + 2];
            sorted[r4 + 3] = from[f4 + 3];
        });
        boxes = sorted;
    }

    /**
     * Lets the boxes go once the tree is written (32 of the 44 bytes an entry holds): count,
     * extent, places and lengths stay; {@link #add}, {@link #hilbertOrder} and {@link #write}
     * may not be called any more.
     */
    void dropBoxes() {
        boxes = null;
    }

    long place(int i) {
        return places[i];
    }

    int length(int i) {
        return lengths[i];
    }

    /** Size in bytes of the tree over {@link #count()} items. */
    long size() {
        return count == 0 ? 0 : PackedRTree.calcSize(count, NODE_SIZE);
    }

    /**
     * Writes the tree for features laid out in {@code order} (what {@link #hilbertOrder} returned,
     * the boxes sorted by it), each size-prefixed (4 + length bytes).
     */
    void write(int[] order, DataOutput out) throws IOException {
        if (count == 0) {
            return;
        }
        // level sizes bottom-up, then their start index in storage order (root at 0)
        // as the reference: always one level above the leaves, even for a single feature
        int[] levelSize = new int[64];
        int levels = 1;
        levelSize[0] = count;
        long numNodes = count;
        int n = count;
        do {
            n = (n + NODE_SIZE - 1) / NODE_SIZE;
            levelSize[levels++] = n;
            numNodes += n;
        } while (n != 1);
        long[] levelStart = new long[levels];
        long s = numNodes;
        for (int l = 0; l < levels; l++) {
            s -= levelSize[l];
            levelStart[l] = s;
        }
        int inner = (int) (numNodes - count);
        double[] nodes = new double[4 * inner];
        // level 1 from the leaves, then each level from the one below
        for (int l = 1; l < levels; l++) {
            for (int k = 0; k < levelSize[l]; k++) {
                double minX = Double.POSITIVE_INFINITY;
                double minY = Double.POSITIVE_INFINITY;
                double maxX = Double.NEGATIVE_INFINITY;
                double maxY = Double.NEGATIVE_INFINITY;
                int first = k * NODE_SIZE;
                int last = Math.min(first + NODE_SIZE, levelSize[l - 1]);
                for (int c = first; c < last; c++) {
                    int b = l == 1 ? 4 * c : 4 * (int) (levelStart[l - 1] + c);
                    double[] src = l == 1 ? boxes : nodes;
                    minX = Math.min(minX, src[b]);
                    minY = Math.min(minY, src[b + 1]);
                    maxX = Math.max(maxX, src[b + 2]);
                    maxY = Math.max(maxY, src[b + 3]);
                }
                int at = 4 * (int) (levelStart[l] + k);
                nodes[at] = minX;
                nodes[at + 1] = minY;
                nodes[at + 2] = maxX;
                nodes[at + 3] = maxY;
            }
        }
        NodeWriter w = new NodeWriter(out);
        for (int l = levels - 1; l >= 1; l--) {
            for (int k = 0; k < levelSize[l]; k++) {
                int at = 4 * (int) (levelStart[l] + k);
                w.node(nodes[at], nodes[at + 1], nodes[at + 2], nodes[at + 3], levelStart[l - 1] + (long) k * NODE_SIZE);
            }
        }
        long offset = 0;
        for (int r = 0; r < count; r++) {
            int b = 4 * r;
            w.node(boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3], offset);
            offset += 4L + lengths[order[r]];
        }
        w.flush();
    }

    /**
     * Nodes encoded little-endian into a 64 KiB buffer and handed on in blocks: one call per
     * 1,638 nodes instead of five {@code writeLong} calls per node (the tree of 1M features is
     * 1.07M nodes; per-node calls were most of the time of a FlatGeobuf export).
     */
    private static final class NodeWriter {
        private static final int NODE_BYTES = 40;
        private final DataOutput out;
        private final ByteBuffer buf = ByteBuffer.allocate(NODE_BYTES * 1638).order(ByteOrder.LITTLE_ENDIAN);

        NodeWriter(DataOutput out) {
            this.out = out;
        }

        void node(double minX, double minY, double maxX, double maxY, long offset) throws IOException {
            if (buf.remaining() < NODE_BYTES) {
                flush();
            }
            buf.putDouble(minX).putDouble(minY).putDouble(maxX).putDouble(maxY).putLong(offset);
        }

        void flush() throws IOException {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }

}
