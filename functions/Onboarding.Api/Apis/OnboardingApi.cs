using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Onboarding.Api.Onboarding;
using Onboarding.Api.Pages;
using Onboarding.Aws.Onboarding;
using Onboarding.Core.Certificates;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.QuickStart;
using Onboarding.Core.Subscribers;

namespace Onboarding.Api.Apis;

/// <summary>
/// The buyer's pages: the Marketplace landing POST, registration, progress and failure, the quick-start and the
/// credentials download. POST handlers answer with a redirect (303) to a GET page, except for a form that needs
/// fixing, which is shown again with its messages.
/// </summary>
public static class OnboardingApi
{
    public const string TokenField = "x-amzn-marketplace-token";
    public const string SessionCookie = "mp_session";

    /// <summary>The landing POST carries one token (Marketplace's are about 1 KiB).</summary>
    public const long MaxLandingBytes = 16 * 1024;

    /// <summary>The registration form: a CSR (at most <see cref="CsrValidator.MaxPemBytes"/>) and a few short fields, multipart overhead included.</summary>
    public const long MaxRegistrationBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapOnboardingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/", LandAsync);
        app.MapGet("/", Welcome);
        app.MapGet("/register", ShowRegistrationAsync);
        app.MapPost("/register", RegisterAsync);
        app.MapPost("/register/continue", ContinueAsync);
        app.MapGet("/credentials", QuickStartAsync);
        app.MapGet("/credentials/download", DownloadAsync);
        return app;
    }

    public static async Task<IResult> LandAsync(HttpContext context, OnboardingService onboarding, CancellationToken cancellationToken)
    {
        var (form, problem) = await ReadFormAsync(context, MaxLandingBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await onboarding.LandAsync(form![TokenField].ToString(), cancellationToken);
        const string again = "Please go back to AWS Marketplace and choose \"Set up your account\" again; it sends a fresh link.";
        return outcome.Status switch
        {
            LandingStatus.Ready => StartSession(context, outcome.SessionId!, onboarding.Options.SessionLifetime),
            LandingStatus.MissingToken => OnboardingPages.Problem("No subscription token", "This page is opened from AWS Marketplace, which sends a subscription token with it. None was sent.", again, StatusCodes.Status400BadRequest),
            LandingStatus.InvalidToken => OnboardingPages.Problem("Subscription link not valid", "AWS Marketplace did not recognise the subscription token sent with this request.", again, StatusCodes.Status400BadRequest),
            LandingStatus.ExpiredToken => OnboardingPages.Problem("Subscription link expired", "The subscription token from AWS Marketplace has expired.", again, StatusCodes.Status400BadRequest),
            LandingStatus.ReplayedToken => OnboardingPages.Problem("Subscription link already used", "This subscription token has been used already; each can be used once.", again, StatusCodes.Status409Conflict),
            LandingStatus.UnknownProduct => OnboardingPages.Problem("Different product", "This subscription token belongs to another AWS Marketplace product than the one this page sets up.", "Open the product you subscribed to from your AWS Marketplace subscriptions.", StatusCodes.Status400BadRequest),
            LandingStatus.SubscriptionInactive => SubscriptionInactive(outcome.Verdict),
            LandingStatus.NotEntitled => OnboardingPages.Problem("No active entitlement", outcome.Reason ?? "AWS Marketplace reports no active entitlement for this product.", "If you have just subscribed, wait a minute and open the product from AWS Marketplace again; otherwise check your subscription there.", StatusCodes.Status403Forbidden),
            _ => OnboardingPages.Problem("Please try again", (outcome.Reason ?? "A service did not answer.") + " Your subscription token was not used up.", "Reload this page to send the same request again, or return to AWS Marketplace.", StatusCodes.Status503ServiceUnavailable),
        };
    }

    public static IResult Welcome(OnboardingService onboarding) =>
        Html.Page(onboarding.Options.ProductName, $"""
            <h1>{Html.E(onboarding.Options.ProductName)}</h1>
            <p>Subscribe on AWS Marketplace; it brings you here to set up your access.</p>
            <p>Already set up? Open the product from your AWS Marketplace subscriptions to get back to your quick start.</p>
            """);

    public static async Task<IResult> ShowRegistrationAsync(HttpContext context, OnboardingService onboarding, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await SessionAsync(context, onboarding, cancellationToken) is not { } session)
        {
            return NoSession();
        }

        var outcome = OnboardingService.Describe(await onboarding.GetStateAsync(session.Customer, cancellationToken));
        if (outcome.Status is FlowStatus.NeedsRegistration or FlowStatus.Failed or FlowStatus.InProgress
            && await onboarding.CheckSubscriptionAsync(session, cancellationToken) is var verdict and not RegistrationVerdict.Allowed)
        {
            // Marketplace cancelled (or failed) the subscription since this session started: no form, no "try again".
            return SubscriptionInactive(verdict);
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return outcome.Status switch
        {
            FlowStatus.NeedsRegistration => OnboardingPages.Registration(
                onboarding.Options.ProductName, outcome.State!.Topics, RegistrationFormValues.Empty, new Dictionary<string, string>(), tokens.FormFieldName, tokens.RequestToken!),
            FlowStatus.Completed => Redirect(context, "/credentials"),
            FlowStatus.Failed => OnboardingPages.Retry("Setting up your access stopped", outcome.Reason!, tokens.FormFieldName, tokens.RequestToken!, StatusCodes.Status503ServiceUnavailable),
            FlowStatus.Stopped => OnboardingPages.Problem("No active entitlement", outcome.Reason ?? "Onboarding stopped.", "Check your subscription on AWS Marketplace.", StatusCodes.Status403Forbidden),
            FlowStatus.NotFound => NoSession(),
            _ => OnboardingPages.Retry("Your access is being set up", "Another request is creating your credentials right now. This takes a few seconds.", tokens.FormFieldName, tokens.RequestToken!, StatusCodes.Status202Accepted),
        };
    }

    public static async Task<IResult> RegisterAsync(HttpContext context, OnboardingService onboarding, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var (form, problem) = await ReadFormAsync(context, MaxRegistrationBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await SessionAsync(context, onboarding, cancellationToken) is not { } session)
        {
            return NoSession();
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return FormExpired();
        }

        var (values, registration, csrProblem) = await ReadRegistrationAsync(form!, cancellationToken);
        var outcome = csrProblem is null
            ? await onboarding.RegisterAsync(session, registration, cancellationToken)
            : new FlowOutcome(FlowStatus.InvalidForm, await onboarding.GetStateAsync(session.Customer, cancellationToken), [new FieldError("csr", csrProblem)]);
        if (outcome.Status == FlowStatus.InvalidForm)
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            var errors = outcome.Errors!.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Message)));
            return OnboardingPages.Registration(onboarding.Options.ProductName, outcome.State?.Topics ?? [], values, errors, tokens.FormFieldName, tokens.RequestToken!);
        }

        return AfterFlow(context, outcome);
    }

    public static async Task<IResult> ContinueAsync(HttpContext context, OnboardingService onboarding, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var (_, problem) = await ReadFormAsync(context, MaxLandingBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await SessionAsync(context, onboarding, cancellationToken) is not { } session)
        {
            return NoSession();
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return FormExpired();
        }

        return AfterFlow(context, await onboarding.ContinueAsync(session, cancellationToken));
    }

    public static async Task<IResult> QuickStartAsync(HttpContext context, OnboardingService onboarding, CancellationToken cancellationToken)
    {
        if (await CustomerAsync(context, onboarding, cancellationToken) is not { } customer)
        {
            return NoSession();
        }

        var outcome = OnboardingService.Describe(await onboarding.GetStateAsync(customer, cancellationToken));
        if (outcome.Status != FlowStatus.Completed)
        {
            return Redirect(context, "/register");
        }

        var state = outcome.State!;
        var generated = state.KeyChoice == KeyChoice.GenerateKey;
        var stillDownloadable = generated && !await onboarding.IsKeyHandedOutAsync(state, cancellationToken);
        NoStore(context);
        return OnboardingPages.QuickStart(onboarding.Options.ProductName, QuickStart(onboarding, state, generated), stillDownloadable);
    }

    public static async Task<IResult> DownloadAsync(HttpContext context, OnboardingService onboarding, CancellationToken cancellationToken)
    {
        if (await CustomerAsync(context, onboarding, cancellationToken) is not { } customer)
        {
            return NoSession();
        }

        var outcome = OnboardingService.Describe(await onboarding.GetStateAsync(customer, cancellationToken));
        if (outcome.Status != FlowStatus.Completed)
        {
            return Redirect(context, "/register");
        }

        var bundle = await onboarding.DownloadAsync(outcome.State!, cancellationToken);
        var zip = CredentialsZip.Build(bundle, QuickStart(onboarding, outcome.State!, bundle.PrivateKeyPem is not null));
        NoStore(context);
        return TypedResults.File(zip, "application/zip", $"{customer.StableId}-credentials.zip");
    }

    private static QuickStartInput QuickStart(OnboardingService onboarding, Core.Onboarding.OnboardingState state, bool includesKey) =>
        new(state.CustomerId, state.Customer.ConsumerGroupPrefix, state.Topics, onboarding.Options.Brokers, includesKey);

    private static IResult AfterFlow(HttpContext context, FlowOutcome outcome) => outcome.Status switch
    {
        FlowStatus.Completed => Redirect(context, "/credentials"),
        FlowStatus.NotFound => NoSession(),
        FlowStatus.SubscriptionInactive => SubscriptionInactive(outcome.Verdict),
        _ => Redirect(context, "/register"),
    };

    private static IResult StartSession(HttpContext context, string sessionId, TimeSpan lifetime)
    {
        context.Response.Cookies.Append(SessionCookie, sessionId, new CookieOptions
        {
            HttpOnly = true,
            // Lax: the cookie is set by Marketplace's cross-site POST and must come along on the redirect that follows.
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = lifetime,
            IsEssential = true,
        });
        return Redirect(context, "/register");
    }

    private static Task<LandingSession?> SessionAsync(HttpContext context, OnboardingService onboarding, CancellationToken cancellationToken) =>
        onboarding.GetSessionAsync(context.Request.Cookies[SessionCookie], cancellationToken);

    private static async Task<CustomerIdentity?> CustomerAsync(HttpContext context, OnboardingService onboarding, CancellationToken cancellationToken) =>
        (await SessionAsync(context, onboarding, cancellationToken))?.Customer;

    /// <summary>Reads a url-encoded or multipart form within <paramref name="maxBytes"/>; a problem page instead when it is too large or not a form.</summary>
    private static async Task<(IFormCollection? Form, IResult? Problem)> ReadFormAsync(HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        if (!context.Request.HasFormContentType)
        {
            return (null, OnboardingPages.Problem("Not a form", "This address accepts form submissions only.", "Use the page's own buttons.", StatusCodes.Status415UnsupportedMediaType));
        }

        try
        {
            var form = await context.Request.ReadFormAsync(cancellationToken);
            return (form, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (InvalidDataException)
        {
            // The form reader's own limits (value and part sizes).
            return (null, TooLarge(maxBytes));
        }
    }

    private static async Task<(RegistrationFormValues Values, RegistrationForm Form, string? CsrProblem)> ReadRegistrationAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        var csr = form["csr"].ToString();
        string? csrProblem = null;
        if (string.IsNullOrWhiteSpace(csr) && form.Files.GetFile("csrFile") is { Length: > 0 } file)
        {
            if (file.Length > CsrValidator.MaxPemBytes)
            {
                csrProblem = $"The uploaded file is larger than {CsrValidator.MaxPemBytes / 1024} KiB; a CSR is normally 1-3 KiB.";
            }
            else
            {
                using var reader = new StreamReader(file.OpenReadStream());
                csr = await reader.ReadToEndAsync(cancellationToken);
            }
        }

        var choice = form["keyChoice"].ToString();
        var values = new RegistrationFormValues(form["company"].ToString(), form["contactName"].ToString(), form["email"].ToString(), form["phone"].ToString(), choice, csr);
        var keyChoice = choice switch
        {
            RegistrationFormValues.KeyChoiceGenerate => KeyChoice.GenerateKey,
            RegistrationFormValues.KeyChoiceCsr => KeyChoice.OwnCsr,
            _ => (KeyChoice)(-1),
        };
        // With "generate" a leftover CSR in the textarea is ignored rather than refused.
        var registration = new RegistrationForm(values.Company, values.Contact, values.Email, values.Phone, keyChoice, keyChoice == KeyChoice.GenerateKey ? null : csr);
        return (values, registration, csrProblem);
    }

    private static IResult Redirect(HttpContext context, string path)
    {
        context.Response.Headers.Location = context.Request.PathBase + path;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";

    private static IResult NoSession() => OnboardingPages.Problem(
        "Session expired or missing",
        "This page belongs to a setup session started from AWS Marketplace, and that session is missing or has expired.",
        "Open the product from your AWS Marketplace subscriptions to start a new session; anything you completed is kept.",
        StatusCodes.Status401Unauthorized);

    /// <summary>What the buyer can do when Marketplace says the subscription failed or is cancelled. Nothing was created.</summary>
    private static IResult SubscriptionInactive(RegistrationVerdict verdict)
    {
        const string justResubscribed = "If you have just subscribed again, AWS Marketplace may not have confirmed it to us yet: wait a minute, then choose \"Set up your account\" in AWS Marketplace again.";
        return verdict switch
        {
            RegistrationVerdict.SubscriptionFailed => OnboardingPages.Problem(
                "Subscription not active",
                "AWS Marketplace reports that your subscription to this product failed, for example because the payment could not be set up. No credentials were created.",
                "Check the subscription and its payment method under \"Manage subscriptions\" in AWS Marketplace and subscribe again; AWS Marketplace then brings you back here to set up your access. " + justResubscribed,
                StatusCodes.Status403Forbidden),
            RegistrationVerdict.SubscriptionEnding => OnboardingPages.Problem(
                "Subscription being cancelled",
                "AWS Marketplace reports that your subscription to this product is being cancelled, so no new credentials are issued. Credentials you already have keep working until the cancellation completes.",
                "To keep the feed, subscribe again in AWS Marketplace. " + justResubscribed,
                StatusCodes.Status403Forbidden),
            _ => OnboardingPages.Problem(
                "Subscription cancelled",
                "AWS Marketplace reports that your subscription to this product was cancelled, so its credentials were revoked and no new ones are issued.",
                "To get access again, subscribe again in AWS Marketplace; it brings you back here to set up new credentials. " + justResubscribed,
                StatusCodes.Status403Forbidden),
        };
    }

    private static IResult FormExpired() => OnboardingPages.Problem(
        "Form expired",
        "The form was sent without its security token, or the token has expired. Nothing was saved.",
        "Go back, reload the page and send the form again.",
        StatusCodes.Status400BadRequest);

    private static IResult TooLarge(long maxBytes) => OnboardingPages.Problem(
        "Request too large",
        $"The request is larger than {maxBytes / 1024} KiB, more than this form ever needs. Nothing was saved.",
        "Send only the certificate signing request (normally 1-3 KiB), not other files.",
        StatusCodes.Status413PayloadTooLarge);
}
