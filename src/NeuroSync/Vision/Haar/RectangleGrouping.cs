namespace NeuroSync.Vision;

/// <summary>OpenCV's <c>groupRectangles</c>: clusters similar raw detections, averages each cluster, drops clusters with too
/// few members and small clusters inside bigger, stronger ones.</summary>
internal static class RectangleGrouping
{
    public static List<FaceBox> Group(List<FaceBox> rectangles, int groupThreshold, double eps)
    {
        var result = new List<FaceBox>();
        if (rectangles.Count == 0)
        {
            return result;
        }

        int[] labels = Partition(rectangles, eps, out int classCount);
        var sums = new (long X, long Y, long W, long H, int N)[classCount];
        for (int i = 0; i < rectangles.Count; i++)
        {
            ref var s = ref sums[labels[i]];
            FaceBox r = rectangles[i];
            s = (s.X + r.X, s.Y + r.Y, s.W + r.Width, s.H + r.Height, s.N + 1);
        }

        var averaged = new FaceBox[classCount];
        for (int c = 0; c < classCount; c++)
        {
            var s = sums[c];
            float inv = 1f / s.N;
            averaged[c] = new FaceBox(Round(s.X * inv), Round(s.Y * inv), Round(s.W * inv), Round(s.H * inv), s.N);
        }

        for (int i = 0; i < classCount; i++)
        {
            FaceBox r1 = averaged[i];
            int n1 = sums[i].N;
            if (n1 <= groupThreshold)
            {
                continue;
            }

            bool inside = false;
            for (int j = 0; j < classCount && !inside; j++)
            {
                int n2 = sums[j].N;
                if (j == i || n2 <= groupThreshold)
                {
                    continue;
                }

                FaceBox r2 = averaged[j];
                int dx = Round(r2.Width * eps);
                int dy = Round(r2.Height * eps);
                inside = r1.X >= r2.X - dx && r1.Y >= r2.Y - dy
                    && r1.X + r1.Width <= r2.X + r2.Width + dx && r1.Y + r1.Height <= r2.Y + r2.Height + dy
                    && (n2 > Math.Max(3, n1) || n1 < 3);
            }

            if (!inside)
            {
                result.Add(r1);
            }
        }

        return result;
    }

    private static bool Similar(FaceBox a, FaceBox b, double eps)
    {
        double delta = eps * (Math.Min(a.Width, b.Width) + Math.Min(a.Height, b.Height)) * 0.5;
        return Math.Abs(a.X - b.X) <= delta && Math.Abs(a.Y - b.Y) <= delta
            && Math.Abs(a.X + a.Width - b.X - b.Width) <= delta && Math.Abs(a.Y + a.Height - b.Y - b.Height) <= delta;
    }

    /// <summary>Labels the connected components of the similarity relation (OpenCV's <c>cv::partition</c>), classes numbered by first member.</summary>
    private static int[] Partition(List<FaceBox> items, double eps, out int classCount)
    {
        int n = items.Count;
        int[] parent = new int[n];
        for (int i = 0; i < n; i++)
        {
            parent[i] = i;
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (Similar(items[i], items[j], eps))
                {
                    int ri = Find(parent, i), rj = Find(parent, j);
                    if (ri != rj)
                    {
                        parent[Math.Max(ri, rj)] = Math.Min(ri, rj);
                    }
                }
            }
        }

        int[] labels = new int[n];
        int[] classOfRoot = new int[n];
        Array.Fill(classOfRoot, -1);
        classCount = 0;
        for (int i = 0; i < n; i++)
        {
            int root = Find(parent, i);
            if (classOfRoot[root] < 0)
            {
                classOfRoot[root] = classCount++;
            }

            labels[i] = classOfRoot[root];
        }

        return labels;
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    // saturate_cast<int> of a float or double: round half to even.
    private static int Round(double value) => (int)Math.Round(value, MidpointRounding.ToEven);
}
