namespace SessionCluster.Agents;

/// <summary>The last N characters written to it, whatever was written before: memory stays bounded.</summary>
internal sealed class TextTail(int capacity)
{
    private readonly char[] ring = new char[capacity];
    private readonly Lock gate = new();
    private int next;
    private int count;

    public void Append(ReadOnlySpan<char> text)
    {
        lock (gate)
        {
            if (text.Length >= ring.Length)
            {
                text[^ring.Length..].CopyTo(ring);
                next = 0;
                count = ring.Length;
                return;
            }

            var first = Math.Min(text.Length, ring.Length - next);
            text[..first].CopyTo(ring.AsSpan(next));
            text[first..].CopyTo(ring);
            next = (next + text.Length) % ring.Length;
            count = Math.Min(ring.Length, count + text.Length);
        }
    }

    public override string ToString()
    {
        lock (gate)
        {
            if (count < ring.Length)
            {
                return new string(ring, 0, count);
            }

            return string.Concat(ring.AsSpan(next), ring.AsSpan(0, next));
        }
    }
}
