using System.Text.Json;

namespace Onboarding.Core.Enrichment;

/// <summary>What the rule needs from one bar or trade.</summary>
public readonly record struct PricePoint(string Symbol, double Close, DateOnly TradingDate);

/// <summary>
/// One pass of Utf8JsonReader over a raw bar or trade: validates it, extracts symbol, close (or a trade's price)
/// and the UTC trading date, and copies every top-level field byte for byte, in order, into the body buffer
/// (as <c>{field,field,...</c> without the closing brace) so the two added fields can be appended later.
/// Input fields named <c>%change</c> or <c>indicator</c> are dropped: ours replace them.
/// </summary>
internal static class PriceRecordParser
{
    private const int MaxSymbolLength = 128;
    private const int MaxTimestampLength = 64;

    internal enum Field
    {
        Other,
        Symbol,
        Close,
        Price,
        Timestamp,
        Open,
        High,
        Low,
        Replaced,
    }

    public static bool TryParse(ReadOnlySpan<byte> json, ScanCache cache, GrowableBuffer body, out PricePoint point, out string? error)
    {
        // The provider's compact records take the fast path; everything else (and every error) this full pass.
        if (CompactRecordScanner.TryScan(json, cache, out point))
        {
            body.Append(json[..^1]);
            error = null;
            return true;
        }

        var rollback = body.Length;
        point = default;
        error = Parse(json, cache, body, out point);
        if (error is null)
        {
            return true;
        }

        body.Truncate(rollback);
        return false;
    }

    /// <summary>The full pass (no fast path): the error, or null with the point and the body appended.</summary>
    internal static string? Parse(ReadOnlySpan<byte> json, ScanCache cache, GrowableBuffer body, out PricePoint point)
    {
        point = default;
        if (json.IsEmpty)
        {
            return "record has no value";
        }

        string? symbol = null;
        double close = 0, price = 0;
        bool hasClose = false, hasPrice = false;
        DateTime timestamp = default;
        var hasTimestamp = false;
        var fieldCount = 0;
        // A compact record without fields to drop (the usual case) is copied in one piece at the end.
        int objectStart = 0, end = 0;
        var compact = true;
        Span<char> chars = stackalloc char[MaxSymbolLength];
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "record is not a JSON object";
            }

            objectStart = (int)reader.TokenStartIndex;
            end = objectStart + 1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                compact &= fieldCount == 0 ? start == end : start == end + 1 && json[end] == (byte)',';
                var field = Identify(ref reader);
                reader.Read();
                switch (field)
                {
                    case Field.Symbol:
                        if (symbol is not null)
                        {
                            return "duplicate field 'symbol'";
                        }

                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return "field 'symbol' must be a string";
                        }

                        if (reader.ValueSpan.Length > MaxSymbolLength)
                        {
                            return $"field 'symbol' is longer than {MaxSymbolLength} characters";
                        }

                        var length = reader.CopyString(chars);
                        if (chars[..length].IsWhiteSpace())
                        {
                            return "field 'symbol' is empty";
                        }

                        symbol = cache.Intern(chars[..length]);
                        break;
                    case Field.Close:
                        if (hasClose)
                        {
                            return "duplicate field 'close'";
                        }

                        if (ReadPrice(ref reader, "close", out close) is { } closeError)
                        {
                            return closeError;
                        }

                        hasClose = true;
                        break;
                    case Field.Price:
                        if (hasPrice)
                        {
                            return "duplicate field 'price'";
                        }

                        if (ReadPrice(ref reader, "price", out price) is { } priceError)
                        {
                            return priceError;
                        }

                        hasPrice = true;
                        break;
                    case Field.Open or Field.High or Field.Low:
                        if (reader.TokenType == JsonTokenType.Number && IsPlainPositive(reader.ValueSpan))
                        {
                            // Only their validity matters: a plain positive number needs no parsing.
                        }
                        else if (reader.TokenType == JsonTokenType.Number)
                        {
                            var name = field == Field.Open ? "open" : field == Field.High ? "high" : "low";
                            if (ReadPrice(ref reader, name, out _) is { } otherError)
                            {
                                return otherError;
                            }
                        }
                        else if (CheckValue(ref reader) is { } nestedError)
                        {
                            return nestedError;
                        }

                        break;
                    case Field.Timestamp:
                        if (hasTimestamp)
                        {
                            return "duplicate field 'timestamp'";
                        }

                        if (ReadTimestamp(ref reader, out timestamp) is { } timestampError)
                        {
                            return timestampError;
                        }

                        hasTimestamp = true;
                        break;
                    default:
                        if (CheckValue(ref reader) is { } valueError)
                        {
                            return valueError;
                        }

                        break;
                }

                fieldCount++;
                compact &= field != Field.Replaced;
                end = (int)reader.BytesConsumed;
            }

            // Reading past the root object rejects trailing content.
            if (reader.Read())
            {
                return "record holds more than one JSON value";
            }
        }
        catch (JsonException)
        {
            return "record is not valid JSON";
        }

        if (symbol is null)
        {
            return "missing field 'symbol'";
        }

        if (!hasClose && !hasPrice)
        {
            return "missing field 'close' (bar) or 'price' (trade)";
        }

        if (!hasTimestamp)
        {
            return "missing field 'timestamp'";
        }

        if (compact)
        {
            body.Append(json[objectStart..end]);
        }
        else
        {
            AppendFields(json, body);
        }

        point = new PricePoint(symbol, hasClose ? close : price, DateOnly.FromDateTime(timestamp));
        return null;
    }

    /// <summary>The slow path of the body copy: field by field, without whitespace between them and without ours.</summary>
    private static void AppendFields(ReadOnlySpan<byte> json, GrowableBuffer body)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read();
        body.Append((byte)'{');
        var fieldCount = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var replaced = Identify(ref reader) == Field.Replaced;
            reader.Read();
            reader.Skip();
            if (!replaced)
            {
                if (fieldCount++ > 0)
                {
                    body.Append((byte)',');
                }

                body.Append(json[start..(int)reader.BytesConsumed]);
            }
        }
    }

    private static Field Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return IdentifyEscaped(ref reader);
        }

        return IdentifyName(reader.ValueSpan);
    }

    /// <summary>An unescaped field name, told apart by its length first.</summary>
    internal static Field IdentifyName(ReadOnlySpan<byte> name)
    {
        return name.Length switch
        {
            3 when name.SequenceEqual("low"u8) => Field.Low,
            4 when name.SequenceEqual("open"u8) => Field.Open,
            4 when name.SequenceEqual("high"u8) => Field.High,
            5 when name.SequenceEqual("close"u8) => Field.Close,
            5 when name.SequenceEqual("price"u8) => Field.Price,
            6 when name.SequenceEqual("symbol"u8) => Field.Symbol,
            7 when name.SequenceEqual("%change"u8) => Field.Replaced,
            9 when name.SequenceEqual("timestamp"u8) => Field.Timestamp,
            9 when name.SequenceEqual("indicator"u8) => Field.Replaced,
            _ => Field.Other,
        };
    }

    private static readonly (string Name, Field Field)[] Names =
    [
        ("symbol", Field.Symbol), ("close", Field.Close), ("timestamp", Field.Timestamp), ("price", Field.Price),
        ("open", Field.Open), ("high", Field.High), ("low", Field.Low), ("%change", Field.Replaced), ("indicator", Field.Replaced),
    ];

    /// <summary>A name with escapes is compared unescaped.</summary>
    private static Field IdentifyEscaped(ref Utf8JsonReader reader)
    {
        foreach (var (name, field) in Names)
        {
            if (reader.ValueTextEquals(name))
            {
                return field;
            }
        }

        return Field.Other;
    }

    private static string? ReadPrice(ref Utf8JsonReader reader, string name, out double value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return $"field '{name}' must be a number";
        }

        if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
        {
            return $"field '{name}' is not a finite number";
        }

        return value > 0 ? null : $"field '{name}' must be greater than zero (was {value.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
    }

    private static string? ReadTimestamp(ref Utf8JsonReader reader, out DateTime timestamp)
    {
        timestamp = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            return "field 'timestamp' must be a string";
        }

        bool parsed;
        if (!reader.ValueIsEscaped)
        {
            parsed = TradingTimestamp.TryParseUtc(reader.ValueSpan, out timestamp);
        }
        else if (reader.ValueSpan.Length <= MaxTimestampLength)
        {
            Span<byte> buffer = stackalloc byte[MaxTimestampLength];
            parsed = TradingTimestamp.TryParseUtc(buffer[..reader.CopyString(buffer)], out timestamp);
        }
        else
        {
            parsed = false;
        }

        return parsed
            ? null
            : "field 'timestamp' is not 'yyyy-MM-dd HH:mm:ss' or ISO 8601";
    }

    // Utf8JsonReader reads a number beyond double's range as infinity; one without an exponent and with at most
    // 308 characters cannot be beyond it, so only the rare others are parsed.
    private static bool IsFinite(ref Utf8JsonReader reader) =>
        IsPlainFinite(reader.ValueSpan) || (reader.TryGetDouble(out var value) && double.IsFinite(value));

    /// <summary>A number token (already valid JSON) that is finite without parsing it: no exponent, at most 308 characters.</summary>
    internal static bool IsPlainFinite(ReadOnlySpan<byte> number) => number.Length <= 308 && !number.ContainsAny((byte)'e', (byte)'E');

    /// <summary>A number token that is finite and above zero without parsing it: not negative and with a digit other than 0.</summary>
    internal static bool IsPlainPositive(ReadOnlySpan<byte> number) =>
        IsPlainFinite(number) && number[0] != '-' && number.ContainsAnyInRange((byte)'1', (byte)'9');

    /// <summary>Walks a value (nested ones too) so that every number in the record is finite.</summary>
    private static string? CheckValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return IsFinite(ref reader) ? null : "record holds a number that is not finite";
        }

        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return null;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.Number && !IsFinite(ref reader))
            {
                return "record holds a number that is not finite";
            }
        }

        return null;
    }
}
