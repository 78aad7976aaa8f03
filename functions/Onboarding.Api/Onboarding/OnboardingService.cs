using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.Onboarding;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using Onboarding.Core.Feeds;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Observability;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;
using CoreEntitlement = Onboarding.Core.Subscribers.Entitlement;
using SmTag = Onboarding.Aws.SecretsManager.Tag;

namespace Onboarding.Api.Onboarding;

/// <summary>
/// The Marketplace landing and onboarding flow: resolve the token, check the entitlement, accept the registration,
/// then issue the certificate, store the secret, write the ACLs and record the subscriber, driven by
/// <see cref="OnboardingMachine"/>. Each completed step is saved under the store's claim before the next starts, so a
/// retry resumes where it stopped and concurrent requests for one customer never act twice. Nothing is issued while the
/// subscription state the Lifecycle function keeps says the subscription failed or is cancelled (<see cref="RegistrationGate"/>).
/// </summary>
public sealed class OnboardingService(
    IAmazonAWSMarketplaceMetering metering,
    IAmazonMarketplaceEntitlementService entitlementService,
    IAmazonACMPCA pca,
    IAmazonSecretsManager secrets,
    IKafkaAclWriter acls,
    IOnboardingStore store,
    ISubscriberStore subscribers,
    ILandingStore landing,
    ISubscriptionStateStore subscriptions,
    FeedCatalog catalog,
    OnboardingOptions options,
    EmbeddedMetrics metrics,
    TimeProvider clock,
    ILogger<OnboardingService> logger)
{
    /// <summary>Marketplace tokens live for minutes; a used one is remembered well beyond that.</summary>
    public static readonly TimeSpan TokenMemory = TimeSpan.FromDays(2);

    private CertificateAuthorityInfo? authority;

    public OnboardingOptions Options => options;

    /// <summary>SHA-256 of a bearer value (token, session id) as lowercase hex: what we store instead of the value.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public async Task<LandingOutcome> LandAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Rejected(LandingStatus.MissingToken);
        }

        ResolveCustomerResponse resolved;
        try
        {
            resolved = await metering.ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = token }, cancellationToken);
        }
        catch (ExpiredTokenException)
        {
            return Rejected(LandingStatus.ExpiredToken);
        }
        catch (Exception ex) when (ex is InvalidTokenException or InvalidCustomerIdentifierException)
        {
            return Rejected(LandingStatus.InvalidToken);
        }
        catch (Exception ex) when (ex is AwsServiceException or HttpRequestException)
        {
            OnboardingLog.LandingFailed(logger, ex);
            return new LandingOutcome(LandingStatus.Unavailable, Reason: "AWS Marketplace did not confirm your subscription just now.");
        }

        if (!string.Equals(resolved.ProductCode, options.ProductCode, StringComparison.Ordinal))
        {
            OnboardingLog.WrongProduct(logger, resolved.ProductCode, options.ProductCode);
            return new LandingOutcome(LandingStatus.UnknownProduct);
        }

        CustomerIdentity customer;
        try
        {
            customer = !string.IsNullOrEmpty(resolved.CustomerAWSAccountId) && !string.IsNullOrEmpty(resolved.LicenseArn)
                ? CustomerIdentity.FromAccountAndLicense(resolved.CustomerAWSAccountId, resolved.LicenseArn)
                : CustomerIdentity.FromCustomerIdentifier(resolved.CustomerIdentifier ?? string.Empty, resolved.ProductCode ?? string.Empty);
        }
        catch (ArgumentException)
        {
            return Rejected(LandingStatus.InvalidToken);
        }

        OnboardingLog.TokenResolved(logger, customer.StableId, resolved.ProductCode);

        // Every identifier ResolveCustomer returned: notifications may name the subscription by any of them, and the
        // registration re-checks under all of them too, so they are kept with the session.
        var session = new LandingSession(customer, new SubscriptionRef(resolved.CustomerIdentifier, resolved.ProductCode, resolved.CustomerAWSAccountId, resolved.LicenseArn));

        // Before anything is written: a refused buyer leaves no token, session or onboarding record behind.
        RegistrationVerdict verdict;
        try
        {
            verdict = await CheckSubscriptionAsync(session, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OnboardingLog.LandingFailed(logger, ex);
            return new LandingOutcome(LandingStatus.Unavailable, customer, Reason: "We could not check the state of your subscription just now.");
        }

        if (verdict != RegistrationVerdict.Allowed)
        {
            OnboardingLog.SubscriptionInactive(logger, customer.StableId, verdict);
            return new LandingOutcome(LandingStatus.SubscriptionInactive, customer, Verdict: verdict);
        }

        // Before anything is issued: a notification naming the buyer by any identifier ResolveCustomer returned (only the
        // customer identifier, say, for a buyer onboarded by license) must reach this subscriber.
        try
        {
            await RecordAliasesAsync(session, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OnboardingLog.LandingFailed(logger, ex);
            return new LandingOutcome(LandingStatus.Unavailable, customer, Reason: "We could not record your subscription just now.");
        }

        var tokenHash = Hash(token);
        var now = clock.GetUtcNow();
        if (!await landing.TryUseTokenAsync(tokenHash, now + TokenMemory, cancellationToken))
        {
            return Rejected(LandingStatus.ReplayedToken);
        }

        OnboardingState state;
        try
        {
            state = await PrepareAsync(customer, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OnboardingLog.LandingFailed(logger, ex);
            await landing.ForgetTokenAsync(tokenHash, CancellationToken.None);
            return new LandingOutcome(LandingStatus.Unavailable, customer, Reason: "We could not check your entitlement just now.");
        }

        if (OnboardingMachine.NextAction(state) == OnboardingAction.ShowFailure)
        {
            return new LandingOutcome(LandingStatus.NotEntitled, customer, Reason: state.Failure?.Reason);
        }

        var sessionId = Base64Url(RandomNumberGenerator.GetBytes(32));
        await landing.CreateSessionAsync(Hash(sessionId), session, now + options.SessionLifetime, cancellationToken);
        return new LandingOutcome(LandingStatus.Ready, customer, sessionId);
    }

    public Task<LandingSession?> GetSessionAsync(string? sessionId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(sessionId) || sessionId.Length > 100
            ? Task.FromResult<LandingSession?>(null)
            : landing.GetSessionAsync(Hash(sessionId), clock.GetUtcNow(), cancellationToken);

    public Task<OnboardingState?> GetStateAsync(CustomerIdentity customer, CancellationToken cancellationToken) =>
        store.GetAsync(customer.StableId, cancellationToken);

    /// <summary>
    /// Whether the subscription state recorded by the Lifecycle function lets this buyer be onboarded now, read under
    /// every identifier the session's ResolveCustomer returned.
    /// </summary>
    public async Task<RegistrationVerdict> CheckSubscriptionAsync(LandingSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var keys = session.SubscriptionKeys;
        var states = new List<SubscriptionState?>(keys.Count);
        foreach (var key in keys)
        {
            states.Add((await subscriptions.GetAsync(key, cancellationToken))?.State);
        }

        return RegistrationGate.Decide(states);
    }

    /// <summary>Records an alias from every identifier of the session to its subscriber; idempotent, the first alias of an identifier stays.</summary>
    private async Task RecordAliasesAsync(LandingSession session, CancellationToken cancellationToken)
    {
        var identifiers = SubscriptionStateMachine.MergeIdentifiers(
            session.Resolved,
            new SubscriptionRef(session.Customer.CustomerIdentifier, session.Customer.ProductCode, session.Customer.AwsAccountId, session.Customer.LicenseArn));
        var alias = new SubscriberAlias(session.Customer.StableId, identifiers);
        foreach (var identifierKey in SubscriberAliases.IdentifierKeys(identifiers))
        {
            var stored = await subscriptions.RecordAliasAsync(identifierKey, alias, cancellationToken);
            if (stored.StableId != alias.StableId)
            {
                OnboardingLog.AliasTaken(logger, alias.StableId, identifierKey, stored.StableId);
            }
        }
    }

    /// <summary>Validates and records the registration, then runs every remaining step. A completed or started onboarding ignores the form and resumes.</summary>
    public async Task<FlowOutcome> RegisterAsync(LandingSession session, RegistrationForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var state = await store.GetAsync(session.Customer.StableId, cancellationToken);
        if (state is null)
        {
            return new FlowOutcome(FlowStatus.NotFound, null);
        }

        RegistrationResult? validated = null;
        if (OnboardingMachine.NextAction(state) == OnboardingAction.Register)
        {
            validated = RegistrationValidator.Validate(form);
            if (!validated.IsValid)
            {
                return new FlowOutcome(FlowStatus.InvalidForm, state, validated.Errors);
            }
        }

        return await RunClaimedAsync(session, validated?.Registration, cancellationToken);
    }

    /// <summary>Resumes a stopped or interrupted onboarding (the "try again" button).</summary>
    public async Task<FlowOutcome> ContinueAsync(LandingSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await store.GetAsync(session.Customer.StableId, cancellationToken) is null
            ? new FlowOutcome(FlowStatus.NotFound, null)
            : await RunClaimedAsync(session, null, cancellationToken);
    }

    public static FlowOutcome Describe(OnboardingState? state) => state is null
        ? new FlowOutcome(FlowStatus.NotFound, null)
        : OnboardingMachine.NextAction(state) switch
        {
            OnboardingAction.ShowQuickStart => new FlowOutcome(FlowStatus.Completed, state),
            OnboardingAction.ShowFailure => new FlowOutcome(FlowStatus.Stopped, state, Reason: state.Failure?.Reason),
            OnboardingAction.Register => new FlowOutcome(FlowStatus.NeedsRegistration, state),
            OnboardingAction.CheckEntitlement => new FlowOutcome(FlowStatus.InProgress, state),
            _ when state.Failure is { } failure => new FlowOutcome(FlowStatus.Failed, state, Reason: failure.Reason),
            _ => new FlowOutcome(FlowStatus.InProgress, state),
        };

    public async Task<bool> IsKeyHandedOutAsync(OnboardingState state, CancellationToken cancellationToken) =>
        await landing.IsKeyHandedOutAsync(HandOutKey(state), cancellationToken);

    /// <summary>A generated key is handed out once per certificate generation: a re-subscription's new key once more.</summary>
    private static string HandOutKey(OnboardingState state) =>
        state.CertificateGeneration == 1
            ? state.CustomerId
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{state.CustomerId}#g{state.CertificateGeneration}");

    /// <summary>
    /// The certificate, chain and, on the first download of a generated key only, the private key. The hand-out is
    /// recorded before the key is returned, so of concurrent downloads exactly one carries it.
    /// </summary>
    public async Task<CredentialsBundle> DownloadAsync(OnboardingState state, CancellationToken cancellationToken)
    {
        if (OnboardingMachine.NextAction(state) != OnboardingAction.ShowQuickStart || state.SecretArn is null)
        {
            throw new InvalidOperationException($"The onboarding of {state.CustomerId} is not complete.");
        }

        var secret = await ReadSecretAsync(state.SecretArn, cancellationToken);
        var includeKey = state.KeyChoice == KeyChoice.GenerateKey && secret.PrivateKey is not null
            && await landing.TryMarkKeyHandedOutAsync(HandOutKey(state), clock.GetUtcNow(), cancellationToken);
        OnboardingLog.Downloaded(logger, state.CustomerId, includeKey);
        return new CredentialsBundle(
            secret.Certificate ?? throw new InvalidOperationException($"The secret of {state.CustomerId} holds no certificate."),
            secret.CertificateChain ?? string.Empty,
            includeKey ? secret.PrivateKey : null);
    }

    private async Task<OnboardingState> PrepareAsync(CustomerIdentity customer, CancellationToken cancellationToken)
    {
        var (state, _) = await store.StartAsync(OnboardingMachine.Start(customer, clock.GetUtcNow()), cancellationToken);
        var next = OnboardingMachine.NextAction(state);
        if (next != OnboardingAction.CheckEntitlement && !(next == OnboardingAction.ShowFailure && OnboardingMachine.CanRestart(state)))
        {
            return state;
        }

        var owner = NewOwner();
        var claim = await store.TryClaimAsync(customer.StableId, owner, clock.GetUtcNow(), options.ClaimLease, cancellationToken);
        if (claim is null)
        {
            OnboardingLog.Busy(logger, customer.StableId);
            return state;
        }

        try
        {
            state = claim.State;
            if (OnboardingMachine.NextAction(state) == OnboardingAction.ShowFailure && OnboardingMachine.CanRestart(state))
            {
                // Not entitled before, nothing issued: a new token starts over (the buyer may have bought since).
                state = await store.SaveAsync(OnboardingMachine.Start(customer, clock.GetUtcNow()) with { Version = state.Version }, owner, cancellationToken);
            }

            if (OnboardingMachine.NextAction(state) != OnboardingAction.CheckEntitlement)
            {
                return state;
            }

            var now = clock.GetUtcNow();
            var (entitlements, selection) = await CheckEntitlementAsync(customer, now, cancellationToken);
            if (selection.UnknownDimensions.Count > 0)
            {
                OnboardingLog.UnknownDimensions(logger, customer.StableId, string.Join(",", selection.UnknownDimensions));
            }

            if (!selection.GrantsAccess)
            {
                var reason = options.Model == MarketplaceModel.Contract
                    ? "AWS Marketplace reports no active contract entitlement for this product that includes a data feed."
                    : "AWS Marketplace reports no active subscription to this product.";
                OnboardingLog.NotEntitled(logger, customer.StableId, reason);
                return await store.SaveAsync(OnboardingMachine.Apply(state, new FailedEvent(reason, Retryable: false), now).OrThrow(), owner, cancellationToken);
            }

            await SaveEntitlementsAsync(customer, entitlements, selection.Topics, now, cancellationToken);
            return await store.SaveAsync(OnboardingMachine.Apply(state, new EntitlementCheckedEvent(selection.Topics), now).OrThrow(), owner, cancellationToken);
        }
        finally
        {
            await store.ReleaseAsync(customer.StableId, owner, CancellationToken.None);
        }
    }

    private async Task<(IReadOnlyList<CoreEntitlement> Entitlements, FeedSelection Selection)> CheckEntitlementAsync(
        CustomerIdentity customer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (options.Model == MarketplaceModel.Subscription)
        {
            // ResolveCustomer succeeded for our product: the buyer is subscribed, and a subscription covers every feed.
            return ([], new FeedSelection(catalog.AllTopics, []));
        }

        var filter = customer.Model == CustomerIdentityModel.AccountAndLicense
            ? new Dictionary<string, List<string>>
            {
                [GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID] = [customer.AwsAccountId!],
                [GetEntitlementFilterName.LICENSE_ARN] = [customer.LicenseArn!],
            }
            : new Dictionary<string, List<string>> { [GetEntitlementFilterName.CUSTOMER_IDENTIFIER] = [customer.CustomerIdentifier!] };
        var list = new List<CoreEntitlement>();
        await foreach (var entitlement in entitlementService.GetAllEntitlementsAsync(
            new GetEntitlementsRequest { ProductCode = options.ProductCode, Filter = filter }, cancellationToken))
        {
            if (ToEntitlement(entitlement) is { } mapped)
            {
                list.Add(mapped);
            }
        }

        return (list, catalog.Select(list, now));
    }

    /// <summary>Marketplace's value types as a quantity: integers as they are, true as 1, a positive double rounded up, a non-empty string as 1.</summary>
    internal static CoreEntitlement? ToEntitlement(Aws.Marketplace.Entitlement entitlement)
    {
        if (string.IsNullOrEmpty(entitlement.Dimension))
        {
            return null;
        }

        var value = entitlement.Value;
        long quantity = value switch
        {
            { IntegerValue: { } i } => i,
            { BooleanValue: { } b } => b ? 1 : 0,
            { DoubleValue: { } d } => d > 0 ? (long)Math.Ceiling(d) : 0,
            { StringValue: { Length: > 0 } } => 1,
            _ => 0,
        };
        DateTimeOffset? expires = entitlement.ExpirationDate is { } date ? new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Utc)) : null;
        return new CoreEntitlement(entitlement.Dimension, quantity, expires);
    }

    private async Task SaveEntitlementsAsync(CustomerIdentity customer, IReadOnlyList<CoreEntitlement> entitlements, IReadOnlyList<string> topics, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await subscribers.GetEntitlementsAsync(customer.StableId, cancellationToken);
        await subscribers.SaveEntitlementsAsync(PlanHistory.Next(existing?.Value, customer, entitlements, topics, now), existing?.Version ?? 0, cancellationToken);
    }

    private async Task<FlowOutcome> RunClaimedAsync(LandingSession session, Registration? registration, CancellationToken cancellationToken)
    {
        var customer = session.Customer;
        var owner = NewOwner();
        var claim = await store.TryClaimAsync(customer.StableId, owner, clock.GetUtcNow(), options.ClaimLease, cancellationToken);
        if (claim is null)
        {
            OnboardingLog.Busy(logger, customer.StableId);
            return new FlowOutcome(FlowStatus.InProgress, await store.GetAsync(customer.StableId, cancellationToken));
        }

        try
        {
            var state = claim.State;
            // Checked under the claim: the Lifecycle function restarts the onboarding under the same claim when it revokes,
            // so it either came first (nothing left here to continue) or finds what is issued here and revokes it on retry.
            if (OnboardingMachine.NextAction(state) is not (OnboardingAction.ShowQuickStart or OnboardingAction.ShowFailure)
                && await CheckSubscriptionAsync(session, cancellationToken) is var verdict and not RegistrationVerdict.Allowed)
            {
                OnboardingLog.SubscriptionInactive(logger, customer.StableId, verdict);
                return new FlowOutcome(FlowStatus.SubscriptionInactive, state, Verdict: verdict);
            }

            if (OnboardingMachine.NextAction(state) == OnboardingAction.Register)
            {
                if (registration is null)
                {
                    return new FlowOutcome(FlowStatus.NeedsRegistration, state);
                }

                var now = clock.GetUtcNow();
                var profile = await subscribers.GetAsync(customer.StableId, cancellationToken);
                await subscribers.SaveAsync(Subscriber.Register(customer, registration, now), profile?.Version ?? 0, cancellationToken);
                state = await store.SaveAsync(
                    OnboardingMachine.Apply(state, new RegisteredEvent(registration.KeyChoice, registration.CsrPem), now).OrThrow(), owner, cancellationToken);
            }

            return await RunStepsAsync(state, owner, cancellationToken);
        }
        finally
        {
            await store.ReleaseAsync(customer.StableId, owner, CancellationToken.None);
        }
    }

    private async Task<FlowOutcome> RunStepsAsync(OnboardingState state, string owner, CancellationToken cancellationToken)
    {
        while (true)
        {
            var action = OnboardingMachine.NextAction(state);
            OnboardingEvent evt;
            try
            {
                switch (action)
                {
                    case OnboardingAction.GenerateAndStoreKey:
                        evt = await StoreGeneratedKeyAsync(state, cancellationToken);
                        break;
                    case OnboardingAction.IssueCertificate:
                        evt = new CertificateIssuedEvent(await IssueCertificateAsync(state, cancellationToken));
                        break;
                    case OnboardingAction.StoreSecret:
                        evt = new SecretStoredEvent(await StoreCertificateAsync(state, cancellationToken));
                        break;
                    case OnboardingAction.WriteAcls:
                        evt = new AclsWrittenEvent(await WriteAclsAsync(state, cancellationToken));
                        break;
                    case OnboardingAction.Complete:
                        await ActivateSubscriberAsync(state, cancellationToken);
                        evt = new CompletedEvent();
                        break;
                    default:
                        return Describe(state);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                OnboardingLog.StepFailed(logger, ex, state.CustomerId, action);
                var reason = Explain(action, ex);
                var failed = await store.SaveAsync(OnboardingMachine.Apply(state, new FailedEvent(reason, Retryable: true), clock.GetUtcNow()).OrThrow(), owner, CancellationToken.None);
                metrics.Emit([new Metric("OnboardingStepFailed", 1)], new Dictionary<string, string> { ["Step"] = action.ToString() });
                // Also without dimensions: what OnboardingStepFailedAlarm watches, whichever step failed.
                metrics.EmitWithoutDimensions([new Metric("OnboardingStepFailed", 1)]);
                return new FlowOutcome(FlowStatus.Failed, failed, Reason: reason);
            }

            state = await store.SaveAsync(OnboardingMachine.Apply(state, evt, clock.GetUtcNow()).OrThrow(), owner, cancellationToken);
            OnboardingLog.StepDone(logger, state.CustomerId, action, state.Step);
            if (state.Step == OnboardingStep.Completed)
            {
                OnboardingLog.Completed(logger, state.CustomerId, state.CertificateArn, state.SecretArn, state.Topics.Count);
                metrics.Emit(
                    [new Metric("OnboardingCompleted", 1), new Metric("OnboardingDuration", (state.UpdatedAt - state.StartedAt).TotalMilliseconds, MetricUnit.Milliseconds)],
                    new Dictionary<string, string> { ["KeyChoice"] = state.KeyChoice?.ToString() ?? "unknown" });
            }
        }
    }

    /// <summary>A sentence for the buyer: which step, and that retrying is safe. Internals stay in the log.</summary>
    private static string Explain(OnboardingAction action, Exception ex)
    {
        var step = action switch
        {
            OnboardingAction.GenerateAndStoreKey => "Storing your generated key",
            OnboardingAction.IssueCertificate => "Issuing your client certificate",
            OnboardingAction.StoreSecret => "Storing your certificate",
            OnboardingAction.WriteAcls => "Granting your certificate access to the feed topics",
            OnboardingAction.Complete => "Recording your subscription",
            _ => "A step",
        };
        var why = ex switch
        {
            ThrottlingException or LimitExceededException => "the certificate authority is busy (throttled) and still was after several attempts",
            RequestInProgressException => "the certificate authority is still signing your certificate",
            AclWriteException acl when acl.Failed.Count > 0 => $"the Kafka cluster refused {acl.Failed.Count} of the access rules",
            AclWriteException => "the Kafka cluster could not be reached",
            AwsServiceException aws => $"{aws.Details.ServiceId} answered {aws.ErrorCode}",
            HttpRequestException => "a service could not be reached",
            _ => "of an unexpected error",
        };
        return $"{step} failed because {why}. Nothing was lost and retrying is safe: it continues where this stopped and never issues a second certificate.";
    }

    private async Task<KeyStoredEvent> StoreGeneratedKeyAsync(OnboardingState state, CancellationToken cancellationToken)
    {
        var key = GeneratedKey.Create(GeneratedKeyType.EcP256, CertificateSubject.For(state.Customer, options.Subject, state.CertificateGeneration));
        var name = state.Customer.SecretName(options.SecretPrefix);
        try
        {
            var created = await secrets.CreateSecretAsync(
                new CreateSecretRequest
                {
                    Name = name,
                    ClientRequestToken = state.SecretRequestToken,
                    Description = $"Marketplace feed credentials of {state.CustomerId}",
                    SecretString = new CredentialsSecret { CustomerId = state.CustomerId, PrivateKey = key.PrivateKeyPem, Csr = key.CsrPem, Generation = state.CertificateGeneration }.ToJson(),
                    Tags = Tags(state.Customer),
                },
                cancellationToken);
            return new KeyStoredEvent(created.ARN!, key.CsrPem);
        }
        catch (Exception ex) when (ex is ResourceExistsException or InvalidRequestException)
        {
            // An earlier attempt stored a key and stopped before recording it: use that key, never a second one.
            var existing = await secrets.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name }, cancellationToken);
            var stored = CredentialsSecret.Parse(existing.SecretString);
            if (stored.CustomerId == state.CustomerId && stored.GenerationOrFirst < state.CertificateGeneration)
            {
                // A re-subscription after revocation: the old key belongs to the revoked certificate; replace it.
                var replaced = await secrets.PutSecretValueAsync(
                    new PutSecretValueRequest
                    {
                        SecretId = name,
                        ClientRequestToken = state.SecretRequestToken,
                        SecretString = new CredentialsSecret { CustomerId = state.CustomerId, PrivateKey = key.PrivateKeyPem, Csr = key.CsrPem, Generation = state.CertificateGeneration }.ToJson(),
                    },
                    cancellationToken);
                return new KeyStoredEvent(replaced.ARN ?? existing.ARN!, key.CsrPem);
            }

            if (stored.PrivateKey is null || stored.Csr is null || stored.CustomerId != state.CustomerId)
            {
                throw new InvalidOperationException($"Secret {name} exists but does not hold the generated key of {state.CustomerId}.", ex);
            }

            return new KeyStoredEvent(existing.ARN!, stored.Csr);
        }
    }

    private async Task<string> IssueCertificateAsync(OnboardingState state, CancellationToken cancellationToken)
    {
        var ca = await AuthorityAsync(cancellationToken);
        var subject = CertificateSubject.For(state.Customer, options.Subject, state.CertificateGeneration);
        var issued = await pca.IssueCertificateAsync(
            new IssueCertificateRequest
            {
                CertificateAuthorityArn = options.CertificateAuthorityArn,
                Csr = new MemoryStream(Encoding.ASCII.GetBytes(state.CsrPem!)),
                SigningAlgorithm = ca.SigningAlgorithm,
                Validity = new Validity { Type = ValidityPeriodType.DAYS, Value = options.CertificateValidityDays },
                TemplateArn = options.CertificateTemplateArn,
                ApiPassthrough = new ApiPassthrough
                {
                    Subject = new ASN1Subject { CommonName = subject.CommonName, Organization = subject.Organization, OrganizationalUnit = subject.OrganizationalUnit },
                },
                IdempotencyToken = state.CertificateIdempotencyToken,
            },
            cancellationToken);
        // Recorded as soon as the ARN is known; waiting for the signature belongs to the next step, so a slow CA
        // never makes a retry ask for a second certificate.
        return issued.CertificateArn ?? throw new InvalidOperationException("ACM PCA IssueCertificate answered without a certificate ARN.");
    }

    private async Task<string> StoreCertificateAsync(OnboardingState state, CancellationToken cancellationToken)
    {
        // At most ~15 s of polling: API Gateway gives up after 30 s, and a retry picks the wait up again.
        var certificate = await pca.WaitForCertificateAsync(
            new GetCertificateRequest { CertificateAuthorityArn = options.CertificateAuthorityArn, CertificateArn = state.CertificateArn },
            maxAttempts: 15, cancellationToken: cancellationToken);
        var chain = string.IsNullOrWhiteSpace(certificate.CertificateChain) ? (await AuthorityAsync(cancellationToken)).ChainPem : certificate.CertificateChain;
        var name = state.Customer.SecretName(options.SecretPrefix);
        var content = new CredentialsSecret
        {
            CustomerId = state.CustomerId,
            CertificateArn = state.CertificateArn,
            Certificate = certificate.Certificate,
            CertificateChain = chain,
            Generation = state.CertificateGeneration,
        };

        string arn;
        if (state.SecretArn is { } keySecret)
        {
            var existing = CredentialsSecret.Parse((await secrets.GetSecretValueAsync(new GetSecretValueRequest { SecretId = keySecret }, cancellationToken)).SecretString);
            var put = await secrets.PutSecretValueAsync(
                new PutSecretValueRequest { SecretId = keySecret, ClientRequestToken = PutToken(state), SecretString = (content with { PrivateKey = existing.PrivateKey, Csr = existing.Csr }).ToJson() },
                cancellationToken);
            arn = put.ARN ?? keySecret;
        }
        else
        {
            try
            {
                var created = await secrets.CreateSecretAsync(
                    new CreateSecretRequest
                    {
                        Name = name,
                        ClientRequestToken = state.SecretRequestToken,
                        Description = $"Marketplace feed credentials of {state.CustomerId}",
                        SecretString = (content with { Csr = state.CsrPem }).ToJson(),
                        Tags = Tags(state.Customer),
                    },
                    cancellationToken);
                arn = created.ARN!;
            }
            catch (Exception ex) when (ex is ResourceExistsException or InvalidRequestException)
            {
                // Created by an earlier attempt that stopped before recording it (or by an earlier generation): the same secret gets the certificate.
                var put = await secrets.PutSecretValueAsync(
                    new PutSecretValueRequest { SecretId = name, ClientRequestToken = PutToken(state), SecretString = (content with { Csr = state.CsrPem }).ToJson() },
                    cancellationToken);
                arn = put.ARN!;
            }
        }

        if (state.CertificateGeneration > 1)
        {
            // A re-subscription: the Lifecycle function tagged this secret revoked with the previous generation's certificate.
            // Removed only after the new certificate is in, so the secret never says "not revoked" over a revoked certificate;
            // a failure here fails the step, and the retry repeats the (idempotent) put and this.
            await secrets.UntagResourceAsync(new UntagResourceRequest { SecretId = arn, TagKeys = [.. CredentialsSecretTags.RevocationKeys] }, cancellationToken);
        }

        return arn;
    }

    private async Task<string> WriteAclsAsync(OnboardingState state, CancellationToken cancellationToken)
    {
        var issued = await pca.GetCertificateAsync(
            new GetCertificateRequest { CertificateAuthorityArn = options.CertificateAuthorityArn, CertificateArn = state.CertificateArn }, cancellationToken);
        using var certificate = X509Certificate2.CreateFromPem(issued.Certificate);
        // The principal is read from the certificate as issued, whatever subject order the CA encoded.
        var principal = KafkaPrincipal.FromCertificate(certificate);
        await acls.SyncAsync(principal, AclPlan.Desired(principal, state.Topics, state.Customer.ConsumerGroupPrefix), cancellationToken);
        return principal.Value;
    }

    private async Task ActivateSubscriberAsync(OnboardingState state, CancellationToken cancellationToken)
    {
        var profile = await subscribers.GetAsync(state.CustomerId, cancellationToken)
            ?? throw new InvalidOperationException($"The subscriber profile of {state.CustomerId} is missing.");
        if (profile.Value.Status != SubscriberStatus.Active)
        {
            await subscribers.SaveAsync(profile.Value.WithStatus(SubscriberStatus.Active, clock.GetUtcNow()), profile.Version, cancellationToken);
        }
    }

    private async Task<CredentialsSecret> ReadSecretAsync(string secretArn, CancellationToken cancellationToken) =>
        CredentialsSecret.Parse((await secrets.GetSecretValueAsync(new GetSecretValueRequest { SecretId = secretArn }, cancellationToken)).SecretString);

    private async Task<CertificateAuthorityInfo> AuthorityAsync(CancellationToken cancellationToken)
    {
        if (authority is { } known)
        {
            return known;
        }

        var response = await pca.GetCertificateAuthorityCertificateAsync(
            new GetCertificateAuthorityCertificateRequest { CertificateAuthorityArn = options.CertificateAuthorityArn }, cancellationToken);
        using var caCertificate = X509Certificate2.CreateFromPem(response.Certificate);
        // The signing algorithm must match the CA's key, not the subscriber's.
        var algorithm = caCertificate.GetKeyAlgorithm() == "1.2.840.10045.2.1" ? SigningAlgorithm.SHA256WITHECDSA : SigningAlgorithm.SHA256WITHRSA;
        var chain = response.Certificate!.TrimEnd() + "\n" + (string.IsNullOrWhiteSpace(response.CertificateChain) ? string.Empty : response.CertificateChain.TrimEnd() + "\n");
        return authority = new CertificateAuthorityInfo(algorithm, chain);
    }

    private static List<SmTag> Tags(CustomerIdentity customer)
    {
        var tags = new List<SmTag> { new() { Key = "marketplace:customer-id", Value = customer.StableId } };
        if (customer.CustomerIdentifier is { } identifier)
        {
            tags.Add(new SmTag { Key = "marketplace:customer-identifier", Value = identifier });
        }

        if (customer.AwsAccountId is { } account)
        {
            tags.Add(new SmTag { Key = "marketplace:customer-account", Value = account });
        }

        return tags;
    }

    private static string PutToken(OnboardingState state) => Hash("put-certificate\n" + state.CertificateArn)[..40];

    private static string NewOwner() => Guid.NewGuid().ToString("N");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private LandingOutcome Rejected(LandingStatus status)
    {
        OnboardingLog.TokenRejected(logger, status);
        return new LandingOutcome(status);
    }

    private sealed record CertificateAuthorityInfo(string SigningAlgorithm, string ChainPem);
}
