using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Onboarding.Aws.AwsJson;

/// <summary>JSON-protocol timestamps: epoch seconds, possibly fractional (e.g. 1700000000.123).</summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTime?>
{
    public override bool HandleNull => true;

    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => DateTime.UnixEpoch.AddTicks((long)Math.Round(reader.GetDecimal() * TimeSpan.TicksPerSecond)),
        JsonTokenType.String => DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        _ => throw new JsonException($"Expected epoch seconds, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        if (value is not { } time)
        {
            writer.WriteNullValue();
            return;
        }

        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;
        var ticks = utc.Ticks - DateTime.UnixEpoch.Ticks;
        if (ticks % TimeSpan.TicksPerSecond == 0)
        {
            writer.WriteNumberValue(ticks / TimeSpan.TicksPerSecond);
        }
        else
        {
            writer.WriteNumberValue(Math.Round((decimal)ticks / TimeSpan.TicksPerSecond, 3));
        }
    }
}

/// <summary>Blob members (e.g. a CSR) travel as base64; the official SDK models them as <see cref="MemoryStream"/>.</summary>
public sealed class Base64StreamConverter : JsonConverter<MemoryStream>
{
    public override MemoryStream? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : new MemoryStream(reader.GetBytesFromBase64(), writable: false);

    public override void Write(Utf8JsonWriter writer, MemoryStream value, JsonSerializerOptions options) =>
        writer.WriteBase64StringValue(value.ToArray());
}
