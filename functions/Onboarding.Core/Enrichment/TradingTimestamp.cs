namespace Onboarding.Core.Enrichment;

/// <summary>
/// Reads the feed's timestamps without allocating: <c>yyyy-MM-dd HH:mm:ss</c> and ISO 8601
/// (<c>T</c> or space separator, optional fraction, optional <c>Z</c> or <c>±HH:mm</c>/<c>±HHmm</c>/<c>±HH</c>).
/// A timestamp without an offset is UTC, as the provider's bars are.
/// </summary>
public static class TradingTimestamp
{
    public static bool TryParseUtc(ReadOnlySpan<byte> text, out DateTime utc)
    {
        utc = default;
        if (text.Length < 19
            || !TryDigits(text, 0, 4, out var year) || text[4] != '-'
            || !TryDigits(text, 5, 2, out var month) || text[7] != '-'
            || !TryDigits(text, 8, 2, out var day)
            || text[10] is not ((byte)'T' or (byte)' ' or (byte)'t')
            || !TryDigits(text, 11, 2, out var hour) || text[13] != ':'
            || !TryDigits(text, 14, 2, out var minute) || text[16] != ':'
            || !TryDigits(text, 17, 2, out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var position = 19;
        long fractionTicks = 0;
        if (position < text.Length && text[position] is (byte)'.' or (byte)',')
        {
            position++;
            var digits = 0;
            long scale = TimeSpan.TicksPerSecond;
            while (position < text.Length && IsDigit(text[position]))
            {
                if (digits < 7)
                {
                    scale /= 10;
                    fractionTicks += (text[position] - '0') * scale;
                }

                digits++;
                position++;
            }

            if (digits == 0)
            {
                return false;
            }
        }

        var offsetMinutes = 0;
        if (position < text.Length)
        {
            var sign = text[position];
            if (sign is (byte)'Z' or (byte)'z')
            {
                position++;
            }
            else if (sign is (byte)'+' or (byte)'-')
            {
                if (!TryDigits(text, position + 1, 2, out var offsetHours))
                {
                    return false;
                }

                position += 3;
                var offsetMins = 0;
                if (position < text.Length)
                {
                    if (text[position] == ':')
                    {
                        position++;
                    }

                    if (!TryDigits(text, position, 2, out offsetMins))
                    {
                        return false;
                    }

                    position += 2;
                }

                if (offsetHours > 14 || offsetMins > 59)
                {
                    return false;
                }

                offsetMinutes = (offsetHours * 60 + offsetMins) * (sign == '-' ? -1 : 1);
            }
            else
            {
                return false;
            }
        }

        if (position != text.Length)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        var ticks = local - offsetMinutes * TimeSpan.TicksPerMinute;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }

            value = value * 10 + (text[i] - '0');
        }

        return true;
    }
}
