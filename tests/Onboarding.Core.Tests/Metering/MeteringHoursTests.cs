using Onboarding.Core.Metering;

namespace Onboarding.Core.Tests.Metering;

public sealed class MeteringHoursTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 16, 5, 0, TimeSpan.Zero);
    private static readonly MeteringWindow Window = MeteringWindow.Marketplace;

    private static DateTimeOffset H(int day, int hour) => new(2026, 11, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void HourStart_IsTheUtcHourEvenForAnOffsetTime()
    {
        var local = new DateTimeOffset(2026, 11, 23, 18, 59, 59, TimeSpan.FromHours(2));

        Assert.Equal(H(23, 16), MeteringHours.HourStart(local));
        Assert.Equal(TimeSpan.Zero, MeteringHours.HourStart(local).Offset);
    }

    [Fact]
    public void Plan_OnSchedule_IsTheLastCompletedHourOnly()
    {
        var plan = MeteringHours.Plan(Now, H(23, 14), Window);

        Assert.Equal([H(23, 15)], plan.Billable);
        Assert.Empty(plan.TooLate);
        Assert.Null(plan.Gap);
        Assert.Equal(H(23, 15), plan.NewWatermark);
    }

    [Fact]
    public void Plan_RunTwiceInTheSameHour_HasNothingNew()
    {
        var plan = MeteringHours.Plan(Now.AddMinutes(20), H(23, 15), Window);

        Assert.Empty(plan.Billable);
        Assert.Empty(plan.TooLate);
        Assert.Null(plan.NewWatermark);
    }

    [Fact]
    public void Plan_AfterAThreeHourOutage_CatchesUpEveryMissedHour()
    {
        var plan = MeteringHours.Plan(Now, H(23, 11), Window);

        Assert.Equal([H(23, 12), H(23, 13), H(23, 14), H(23, 15)], plan.Billable);
        Assert.Empty(plan.TooLate);
    }

    [Fact]
    public void Plan_AfterATenHourOutage_FlagsHoursOlderThanTheWindowInsteadOfDroppingThem()
    {
        var plan = MeteringHours.Plan(Now, H(23, 5), Window);

        // At 16:05 with a 10-minute margin the oldest sendable hour start is 10:15 or later, so 11:00.
        Assert.Equal([H(23, 11), H(23, 12), H(23, 13), H(23, 14), H(23, 15)], plan.Billable);
        Assert.Equal([H(23, 6), H(23, 7), H(23, 8), H(23, 9), H(23, 10)], plan.TooLate);
        Assert.Null(plan.Gap);
    }

    [Fact]
    public void Plan_AfterAnOutageLongerThanTheFlaggedMaximum_ReportsTheRestAsAGap()
    {
        var plan = MeteringHours.Plan(Now, H(20, 0), Window with { MaxFlaggedHours = 3 });

        Assert.Equal([H(23, 8), H(23, 9), H(23, 10)], plan.TooLate);
        Assert.Equal((H(20, 1), H(23, 8)), plan.Gap);
    }

    [Fact]
    public void Plan_FirstRun_StartsAtTheOldestHourMarketplaceAccepts()
    {
        var plan = MeteringHours.Plan(Now, null, Window);

        Assert.Equal(H(23, 11), plan.Billable[0]);
        Assert.Equal(H(23, 15), plan.Billable[^1]);
        Assert.Empty(plan.TooLate);
    }

    [Fact]
    public void Plan_NeverIncludesTheCurrentHour()
    {
        var plan = MeteringHours.Plan(new DateTimeOffset(2026, 11, 23, 16, 59, 59, TimeSpan.Zero), H(23, 14), Window);

        Assert.Equal([H(23, 15)], plan.Billable);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(349, true)]
    [InlineData(350, true)]
    [InlineData(351, false)]
    public void Window_AcceptsAnHourUntilSixHoursMinusTheMarginHavePassed(int minutesAfterHour, bool accepted)
    {
        Assert.Equal(accepted, Window.AcceptsHour(H(23, 10), H(23, 10).AddMinutes(minutesAfterHour)));
    }
}
