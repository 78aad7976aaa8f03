namespace Onboarding.Shared;

/// <summary>
/// The byte-level steps of the two compact-JSON fast paths: the MSK event index (<c>Onboarding.Lambda</c>) and the
/// provider's records (<c>Onboarding.Core</c>). This file is compiled into both assemblies, which do not reference
/// each other, so that both fast paths decline exactly the same strings.
/// </summary>
internal static class PlainJsonText
{
    private const int ShortString = 16;

    /// <summary>
    /// Where the string that <paramref name="rest"/> starts with ends (its closing quote), or -1 when it holds anything
    /// but printable ASCII before it (an escape, a control character, non-ASCII) or is not closed. Names and symbols
    /// are short: a byte loop finds their end before a vectorized search would have set up; longer values take it.
    /// </summary>
    public static int StringLength(ReadOnlySpan<byte> rest)
    {
        var limit = Math.Min(rest.Length, ShortString);
        for (var i = 0; i < limit; i++)
        {
            var c = rest[i];
            if (c == '"')
            {
                return i;
            }

            if (c == '\\' || (uint)(c - 0x20) > 0x7E - 0x20)
            {
                return -1;
            }
        }

        var end = rest.IndexOfAny((byte)'"', (byte)'\\');
        return end < 0 || rest[end] != '"' || rest[ShortString..end].ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) ? -1 : end;
    }

    /// <summary>Moves <paramref name="at"/> past <paramref name="literal"/> when the text continues with it.</summary>
    public static bool TryLiteral(ReadOnlySpan<byte> json, ref int at, ReadOnlySpan<byte> literal)
    {
        if (!json[at..].StartsWith(literal))
        {
            return false;
        }

        at += literal.Length;
        return true;
    }
}
