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
}
