using System.Text;
using Onboarding.Core.Enrichment;

namespace Onboarding.Core.Tests.Enrichment;

public sealed class TradingTimestampTests
{
    [Theory]
    [InlineData("2024-07-11 19:49:00", "2024-07-11T19:49:00.0000000Z")]
    [InlineData("2024-07-11T19:49:00", "2024-07-11T19:49:00.0000000Z")]
    [InlineData("2024-07-11T19:49:00Z", "2024-07-11T19:49:00.0000000Z")]
    [InlineData("2024-07-11T19:49:00.123Z", "2024-07-11T19:49:00.1230000Z")]
    [InlineData("2024-07-11T19:49:00.123456789Z", "2024-07-11T19:49:00.1234567Z")]
    [InlineData("2024-07-11T23:30:00-02:00", "2024-07-12T01:30:00.0000000Z")]
    [InlineData("2024-07-12T01:30:00+0530", "2024-07-11T20:00:00.0000000Z")]
    [InlineData("2024-07-12T01:30:00+05", "2024-07-11T20:30:00.0000000Z")]
    public void Timestamp_InAcceptedFormats_IsReadAsUtc(string text, string expected)
    {
        Assert.True(TradingTimestamp.TryParseUtc(Encoding.UTF8.GetBytes(text), out var utc));
        Assert.Equal(expected, utc.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-07-11")]
    [InlineData("2024-07-11 19:49")]
    [InlineData("2024-13-11 19:49:00")]
    [InlineData("2023-02-29 19:49:00")]
    [InlineData("2024-07-11 24:00:00")]
    [InlineData("2024-07-11 19:60:00")]
    [InlineData("2024-07-11X19:49:00")]
    [InlineData("2024-07-11 19:49:00.")]
    [InlineData("2024-07-11 19:49:00 ")]
    [InlineData("2024-07-11T19:49:00+25:00")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("2024-07-11T19:49:00Zjunk")]
    public void Timestamp_OutsideTheFormats_IsRejected(string text)
    {
        Assert.False(TradingTimestamp.TryParseUtc(Encoding.UTF8.GetBytes(text), out _));
    }
}
