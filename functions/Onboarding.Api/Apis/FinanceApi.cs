using System.Text;
using Onboarding.Api.Finance;
using Onboarding.Api.Pages;
using Onboarding.Core.Metering;

namespace Onboarding.Api.Apis;

/// <summary>
/// The finance billing view: <c>/finance/billing</c> (HTML), <c>billing.csv</c> and <c>billing.json</c>, read from the
/// metering ledger. On AWS, API Gateway admits only IAM-signed requests to <c>/finance</c>; locally the API key guards it.
/// </summary>
public static class FinanceApi
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var login = app.MapGroup("/finance");
        login.MapGet("/login", LoginForm);
        login.MapPost("/login", LogIn);
        login.MapPost("/logout", LogOut);

        var finance = app.MapGroup("/finance");
        finance.AddEndpointFilter(RequireFinanceAccess);
        finance.MapGet("/", (HttpContext context) => Results.Redirect(context.Request.PathBase + "/finance/billing"));
        finance.MapGet("/billing", BillingPage);
        finance.MapGet("/billing.csv", BillingCsv);
        finance.MapGet("/billing.json", BillingJson);
        return app;
    }

    public static IResult LoginForm(HttpContext context, FinanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        return options.TrustGateway || options.ApiKey is not null
            ? FinancePages.Login(error: null)
            : NotConfigured();
    }

    public static async Task<IResult> LogIn(HttpContext context, FinanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ApiKey is not { } key)
        {
            return options.TrustGateway ? Results.Redirect(context.Request.PathBase + "/finance/billing") : NotConfigured();
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
        var presented = form?["apiKey"].ToString() ?? "";
        if (presented.Length == 0 || !FinanceAuth.KeyMatches(key, presented))
        {
            return FinancePages.Login("That API key is not the one configured in FINANCE_API_KEY.", StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(FinanceAuth.CookieName, FinanceAuth.SessionValue(key), FinanceAuth.SessionCookie(context.Request));
        return Results.Redirect(context.Request.PathBase + "/finance/billing");
    }

    public static IResult LogOut(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(FinanceAuth.CookieName, FinanceAuth.SessionCookie(context.Request));
        return Results.Redirect(context.Request.PathBase + "/finance/login");
    }

    public static async Task<IResult> BillingPage(HttpContext context, IMeteringLedgerReader ledger, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (query, error) = BillingQuery.Parse(context.Request.Query, Today(clock));
        if (query is null)
        {
            return FinancePages.BadQuery(error!);
        }

        var entries = await LoadAsync(ledger, query, context.RequestAborted).ConfigureAwait(false);
        var report = BillingSummary.Build(entries, query.Filter, query.Period);
        return FinancePages.Billing(query, report, entries, context.Request.QueryString.Value ?? "");
    }

    public static async Task<IResult> BillingCsv(HttpContext context, IMeteringLedgerReader ledger, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (query, error) = BillingQuery.Parse(context.Request.Query, Today(clock));
        if (query is null)
        {
            return Results.Text(error, "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var entries = await LoadAsync(ledger, query, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"billing-{query.From:yyyy-MM-dd}-{query.To:yyyy-MM-dd}.csv\"";
        return Results.Text(BillingSummary.ToCsv(entries), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    public static async Task<IResult> BillingJson(HttpContext context, IMeteringLedgerReader ledger, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (query, error) = BillingQuery.Parse(context.Request.Query, Today(clock));
        if (query is null)
        {
            return Results.Text(error, "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var entries = await LoadAsync(ledger, query, context.RequestAborted).ConfigureAwait(false);
        var report = BillingSummary.Build(entries, query.Filter, query.Period);
        return Results.Json(
            new BillingDocument(query.From, query.To, query.Period, query.Filter, report, entries),
            FinanceJsonContext.Default.BillingDocument);
    }

    /// <summary>The matching entries in ledger order: oldest hour first, then customer and dimension.</summary>
    private static async Task<List<LedgerEntry>> LoadAsync(IMeteringLedgerReader ledger, BillingQuery query, CancellationToken cancellationToken)
    {
        var (from, to) = query.HourRange;
        var entries = await ledger.ListByPeriodAsync(from, to, cancellationToken).ConfigureAwait(false);
        return [.. entries.Where(query.Filter.Matches)
            .OrderBy(e => e.Key.Hour)
            .ThenBy(e => e.Key.CustomerKey, StringComparer.Ordinal)
            .ThenBy(e => e.Key.ProductCode, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Dimension, StringComparer.Ordinal)];
    }

    private static async ValueTask<object?> RequireFinanceAccess(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var options = context.RequestServices.GetRequiredService<FinanceOptions>();
        switch (FinanceAuth.Check(context, options))
        {
            case FinanceAuth.Verdict.NotConfigured:
                return NotConfigured();
            case FinanceAuth.Verdict.Unauthenticated:
                // Browsers go to the login form; scripts (CSV, JSON) get a plain 401 naming the header.
                return context.Request.Path.Value is { } path && (path.EndsWith(".csv", StringComparison.Ordinal) || path.EndsWith(".json", StringComparison.Ordinal))
                    ? Results.Text($"Send the finance API key in the {FinanceAuth.HeaderName} header, or log in at /finance/login.",
                        "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status401Unauthorized)
                    : Results.Redirect(context.Request.PathBase + "/finance/login");
        }

        if (string.IsNullOrWhiteSpace(options.LedgerTable))
        {
            return Results.Text($"The finance view needs the metering ledger table: set {FinanceOptions.LedgerTableVariable}.",
                "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable);
        }

        return await next(invocation).ConfigureAwait(false);
    }

    private static IResult NotConfigured() =>
        Results.Text(FinanceAuth.NotConfiguredMessage, "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable);

    private static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
