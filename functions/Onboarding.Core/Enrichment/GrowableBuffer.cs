namespace Onboarding.Core.Enrichment;

/// <summary>An append-only byte buffer reused across batches; unlike ArrayBufferWriter it can roll back.</summary>
internal sealed class GrowableBuffer(int initialCapacity = 64 * 1024)
{
    private byte[] bytes = new byte[initialCapacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Slice(int start, int length) => bytes.AsSpan(start, length);

    public void Append(ReadOnlySpan<byte> data)
    {
        Ensure(data.Length);
        data.CopyTo(bytes.AsSpan(Length));
        Length += data.Length;
    }

    public void Append(byte value)
    {
        Ensure(1);
        bytes[Length++] = value;
    }

    public void Truncate(int length) => Length = length;

    public void Clear() => Length = 0;

    private void Ensure(int extra)
    {
        if (Length + extra > bytes.Length)
        {
            Array.Resize(ref bytes, Math.Max(bytes.Length * 2, Length + extra));
        }
    }
}
