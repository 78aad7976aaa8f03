using System.Buffers;
using System.Text;

namespace Onboarding.Core.Certificates;

/// <summary>One attribute of a distinguished name, e.g. <c>CN</c> = <c>mp-abc…</c>.</summary>
public sealed record Rdn(string Type, string Value);

/// <summary>
/// Renders distinguished names the way Kafka's default SSL principal builder sees them: Java's
/// <c>X500Principal.getName()</c> (RFC 2253): the RDN encoded last comes first, RDNs are joined by a bare comma, and
/// in values <c>, = + &lt; &gt; # ; " \</c> are escaped with a backslash anywhere, as are leading and trailing spaces.
/// Every such string is also a valid RFC 4514 string, so one rendering serves both the ACL principal and parsing.
/// </summary>
public static class DistinguishedName
{
    private const string Escapees = ",=+<>#;\"\\";

    /// <summary>Renders RDNs given in certificate encoding order (most significant first, e.g. O before CN).</summary>
    public static string Format(IReadOnlyList<Rdn> rdnsInEncodingOrder)
    {
        ArgumentNullException.ThrowIfNull(rdnsInEncodingOrder);
        var builder = new StringBuilder();
        for (var i = rdnsInEncodingOrder.Count - 1; i >= 0; i--)
        {
            var rdn = rdnsInEncodingOrder[i];
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(rdn.Type).Append('=').Append(EscapeValue(rdn.Value));
        }

        return builder.ToString();
    }

    /// <summary>Escapes one attribute value so that it can never end or add an RDN.</summary>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var lead = 0;
        while (lead < value.Length && value[lead] is ' ' or '\r')
        {
            lead++;
        }

        var trail = value.Length - 1;
        while (trail >= lead && value[trail] is ' ' or '\r')
        {
            trail--;
        }

        var builder = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                builder.Append("\\00");
                continue;
            }

            if (Escapees.Contains(c, StringComparison.Ordinal) || i < lead || i > trail)
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Parses an RFC 4514 string of single-valued RDNs (such as a principal read back from the cluster) into RDNs in
    /// encoding order, undoing backslash escapes and hex pairs. Throws <see cref="FormatException"/> for anything
    /// else: unescaped specials, multi-valued RDNs, <c>#</c> hex values, broken UTF-8.
    /// </summary>
    public static IReadOnlyList<Rdn> Parse(string rfc4514)
    {
        ArgumentNullException.ThrowIfNull(rfc4514);
        var rdns = new List<Rdn>();
        Span<byte> utf8 = stackalloc byte[4];
        var i = 0;
        while (i < rfc4514.Length)
        {
            var equals = rfc4514.IndexOf('=', i);
            if (equals <= i)
            {
                throw new FormatException($"Expected an attribute type followed by '=' at position {i}.");
            }

            var type = rfc4514[i..equals];
            if (!type.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') || !char.IsAsciiLetterOrDigit(type[0]))
            {
                throw new FormatException($"'{type}' is not an attribute type.");
            }

            i = equals + 1;
            if (i < rfc4514.Length && rfc4514[i] == '#')
            {
                throw new FormatException("Hex-encoded (#) attribute values are not supported.");
            }

            var bytes = new List<byte>();
            var end = false;
            while (i < rfc4514.Length && !end)
            {
                var c = rfc4514[i];
                switch (c)
                {
                    case ',':
                        end = true;
                        break;
                    case '+':
                        throw new FormatException("Multi-valued RDNs are not supported.");
                    case '\\' when i + 1 < rfc4514.Length && Escapees.Contains(rfc4514[i + 1], StringComparison.Ordinal) || (i + 1 < rfc4514.Length && rfc4514[i + 1] is ' ' or '\r'):
                        bytes.Add((byte)rfc4514[i + 1]);
                        i += 2;
                        break;
                    case '\\' when i + 2 < rfc4514.Length && char.IsAsciiHexDigit(rfc4514[i + 1]) && char.IsAsciiHexDigit(rfc4514[i + 2]):
                        bytes.Add(Convert.FromHexString(rfc4514.AsSpan(i + 1, 2))[0]);
                        i += 3;
                        break;
                    case '\\':
                        throw new FormatException($"Invalid escape at position {i}.");
                    case '"' or ';' or '<' or '>' or '=':
                        throw new FormatException($"Unescaped '{c}' at position {i}.");
                    default:
                        if (Rune.DecodeFromUtf16(rfc4514.AsSpan(i), out var rune, out _) != OperationStatus.Done)
                        {
                            throw new FormatException($"Invalid UTF-16 at position {i}.");
                        }

                        var written = rune.EncodeToUtf8(utf8);
                        for (var k = 0; k < written; k++)
                        {
                            bytes.Add(utf8[k]);
                        }

                        i += rune.Utf16SequenceLength;
                        break;
                }
            }

            string value;
            try
            {
                value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
            }
            catch (DecoderFallbackException ex)
            {
                throw new FormatException("An attribute value is not valid UTF-8.", ex);
            }

            rdns.Add(new Rdn(type, value));
            if (end)
            {
                i++;
                if (i == rfc4514.Length)
                {
                    throw new FormatException("The name ends with a comma.");
                }
            }
        }

        rdns.Reverse();
        return rdns;
    }
}
