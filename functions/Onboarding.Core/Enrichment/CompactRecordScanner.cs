using System.Globalization;
using Onboarding.Shared;

namespace Onboarding.Core.Enrichment;

/// <summary>
/// The fast path of <see cref="PriceRecordParser"/> for the records a provider's producer writes: one compact, flat
/// JSON object of ASCII strings without escapes, plain numbers and literals, e.g.
/// <c>{"symbol":"AMZN","open":194.58,...,"timestamp":"2024-07-11 19:49:00"}</c>. It either reads such a record
/// exactly as the full parser would (same point, same body) or declines, and the full parser (a
/// <see cref="System.Text.Json.Utf8JsonReader"/> pass) takes the record: anything unusual — whitespace, escapes,
/// non-ASCII text, nesting, fields we replace, duplicates, exponents, any error — is declined, never judged here.
/// A test holds both parsers to the same answers on generated records.
/// </summary>
internal static class CompactRecordScanner
{
    private const int MaxSymbolLength = 128;

    public static bool TryScan(ReadOnlySpan<byte> json, ScanCache cache, out PricePoint point)
    {
        point = default;
        if (json.Length < 2 || json[0] != '{' || json[^1] != '}')
        {
            return false;
        }

        string? symbol = null;
        double close = 0, price = 0;
        bool hasClose = false, hasPrice = false, hasTimestamp = false;
        DateOnly tradingDate = default;
        Span<char> chars = stackalloc char[MaxSymbolLength];
        var at = 1;
        while (true)
        {
            if (!TryString(json, ref at, out var name) || at >= json.Length || json[at++] != ':' || at >= json.Length)
            {
                return false;
            }

            var field = PriceRecordParser.IdentifyName(name);
            var first = json[at];
            if (first == '"')
            {
                if (!TryString(json, ref at, out var text))
                {
                    return false;
                }

                switch (field)
                {
                    case PriceRecordParser.Field.Symbol:
                        if (symbol is not null || text.Length > MaxSymbolLength)
                        {
                            return false;
                        }

                        var symbolChars = chars[..text.Length];
                        for (var i = 0; i < text.Length; i++)
                        {
                            symbolChars[i] = (char)text[i];
                        }

                        if (symbolChars.IsWhiteSpace())
                        {
                            return false;
                        }

                        symbol = cache.Intern(symbolChars);
                        break;
                    case PriceRecordParser.Field.Timestamp:
                        if (hasTimestamp || !cache.TryTradingDate(text, out tradingDate))
                        {
                            return false;
                        }

                        hasTimestamp = true;
                        break;
                    case PriceRecordParser.Field.Close or PriceRecordParser.Field.Price or PriceRecordParser.Field.Replaced:
                        return false;
                }
            }
            else if (first == '-' || (uint)(first - '0') <= 9)
            {
                var start = at;
                if (!TryNumber(json, ref at))
                {
                    return false;
                }

                var number = json[start..at];
                switch (field)
                {
                    case PriceRecordParser.Field.Close or PriceRecordParser.Field.Price:
                        if ((field == PriceRecordParser.Field.Close ? hasClose : hasPrice)
                            || !TryParsePrice(number, out var value)
                            || !double.IsFinite(value) || value <= 0)
                        {
                            return false;
                        }

                        if (field == PriceRecordParser.Field.Close)
                        {
                            (close, hasClose) = (value, true);
                        }
                        else
                        {
                            (price, hasPrice) = (value, true);
                        }

                        break;
                    case PriceRecordParser.Field.Open or PriceRecordParser.Field.High or PriceRecordParser.Field.Low:
                        if (!PriceRecordParser.IsPlainPositive(number))
                        {
                            return false;
                        }

                        break;
                    case PriceRecordParser.Field.Symbol or PriceRecordParser.Field.Timestamp or PriceRecordParser.Field.Replaced:
                        return false;
                    default:
                        if (!PriceRecordParser.IsPlainFinite(number))
                        {
                            return false;
                        }

                        break;
                }
            }
            else if (field is PriceRecordParser.Field.Other or PriceRecordParser.Field.Open or PriceRecordParser.Field.High or PriceRecordParser.Field.Low
                && (PlainJsonText.TryLiteral(json, ref at, "true"u8) || PlainJsonText.TryLiteral(json, ref at, "false"u8) || PlainJsonText.TryLiteral(json, ref at, "null"u8)))
            {
                // A literal in a field we only keep.
            }
            else
            {
                return false;
            }

            if (at >= json.Length)
            {
                return false;
            }

            var separator = json[at++];
            if (separator == '}')
            {
                break;
            }

            if (separator != ',')
            {
                return false;
            }
        }

        if (at != json.Length || symbol is null || !(hasClose || hasPrice) || !hasTimestamp)
        {
            return false;
        }

        point = new PricePoint(symbol, hasClose ? close : price, tradingDate);
        return true;
    }

    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>
    /// A plain decimal (already checked by <see cref="TryNumber"/>). With at most 15 digits the digits form an exact
    /// double and so does 10^k for k ≤ 22, and one IEEE division rounds correctly: the same value the full parser
    /// reads. Longer numbers take the general parser.
    /// </summary>
    private static bool TryParsePrice(ReadOnlySpan<byte> number, out double value)
    {
        long digits = 0;
        var count = 0;
        var scale = 0;
        var negative = number[0] == '-';
        foreach (var c in negative ? number[1..] : number)
        {
            if (c == '.')
            {
                scale = -1;
                continue;
            }

            digits = digits * 10 + (c - '0');
            count++;
            if (scale < 0)
            {
                scale--;
            }
        }

        if (count > 15)
        {
            return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        var fraction = scale < 0 ? -scale - 1 : 0;
        value = digits / PowersOfTen[fraction];
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>A string of printable ASCII without escapes starting at <paramref name="at"/>; its content, and <paramref name="at"/> past it.</summary>
    private static bool TryString(ReadOnlySpan<byte> json, ref int at, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (at >= json.Length || json[at] != '"')
        {
            return false;
        }

        var rest = json[(at + 1)..];
        var end = PlainJsonText.StringLength(rest);
        if (end < 0)
        {
            return false;
        }

        content = rest[..end];
        at += end + 2;
        return true;
    }

    /// <summary>A JSON number without exponent: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?</c>, ending at a separator.</summary>
    private static bool TryNumber(ReadOnlySpan<byte> json, ref int at)
    {
        var i = at;
        if (json[i] == '-')
        {
            i++;
        }

        var digits = Digits(json, i);
        if (digits == 0 || (json[i] == '0' && digits > 1))
        {
            return false;
        }

        i += digits;
        if (i < json.Length && json[i] == '.')
        {
            var fraction = Digits(json, i + 1);
            if (fraction == 0)
            {
                return false;
            }

            i += 1 + fraction;
        }

        if (i >= json.Length || json[i] is not ((byte)',' or (byte)'}'))
        {
            return false;
        }

        at = i;
        return true;
    }

    private static int Digits(ReadOnlySpan<byte> json, int start)
    {
        var i = start;
        while (i < json.Length && (uint)(json[i] - '0') <= 9)
        {
            i++;
        }

        return i - start;
    }
}
