using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.Metering;
using Onboarding.Aws.Onboarding;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using Onboarding.Core.Feeds;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;
using Entitlement = Onboarding.Core.Subscribers.Entitlement;
using SecretTag = Onboarding.Aws.SecretsManager.Tag;

namespace Onboarding.Lifecycle;

/// <summary>
/// Carries out lifecycle decisions on what onboarding created: Kafka ACLs, the ACM PCA certificate, the Secrets Manager
/// secret, the subscriber records, and final usage. Every action reads the current records first and is safe to repeat.
/// A buyer who has not registered yet has nothing to change: registration reads the subscription state itself.
/// </summary>
public sealed partial class OnboardingLifecycleActions(
    IOnboardingStore onboarding,
    ISubscriberStore subscribers,
    IKafkaAclWriter acls,
    IAmazonACMPCA certificateAuthority,
    IAmazonSecretsManager secrets,
    IAmazonMarketplaceEntitlementService entitlements,
    FeedCatalog feeds,
    MeteringJob metering,
    LifecycleActionsOptions options,
    TimeProvider clock,
    ILogger<OnboardingLifecycleActions> logger) : ILifecycleActions
{
    /// <summary>ACM PCA's revocation reason for a subscription that ended.</summary>
    public const string RevocationReason = "CESSATION_OF_OPERATION";

    public async Task ActivateAsync(SubscriptionState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var record = await FindAsync(state, cancellationToken).ConfigureAwait(false);
        if (record?.KafkaPrincipal is null)
        {
            LogNotRegistered(logger, state.Key, "activate");
            return;
        }

        await ReplanAsync(record, state, cancellationToken).ConfigureAwait(false);
        await SetSubscriberStatusAsync(record.Customer, SubscriberStatus.Active, cancellationToken).ConfigureAwait(false);
    }

    public async Task MarkFailedAsync(SubscriptionState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (await FindAsync(state, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            LogNotRegistered(logger, state.Key, "mark failed");
            return;
        }

        // Registration does not wait for subscribe-success (the landing POST usually comes first), so the buyer may hold
        // credentials already, or be registering right now: take back what was issued and restart the onboarding under
        // its claim, so that a registration in progress stops or its credentials are revoked on retry.
        await RevokeIssuedAsync(record, state, SubscriberStatus.Suspended, cancellationToken).ConfigureAwait(false);
    }

    public async Task SendFinalUsageAsync(SubscriptionState state, DateTimeOffset endingAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var record = await FindAsync(state, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            LogNotRegistered(logger, state.Key, "final usage");
            return;
        }

        await MeterFinalUsageAsync(record, endingAt, cancellationToken).ConfigureAwait(false);
        await SetSubscriberStatusAsync(record.Customer, SubscriberStatus.UnsubscribePending, cancellationToken).ConfigureAwait(false);
    }

    public async Task RevokeAsync(SubscriptionState state, bool sendFinalUsageFirst, SubscriptionStatus finalStatus, DateTimeOffset endedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var subscriberStatus = SubscriberStatusAfterRevocation(finalStatus);
        var record = await FindAsync(state, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            LogNotRegistered(logger, state.Key, "revoke");
            return;
        }

        if (sendFinalUsageFirst)
        {
            await MeterFinalUsageAsync(record, endedAt, cancellationToken).ConfigureAwait(false);
        }

        await RevokeIssuedAsync(record, state, subscriberStatus, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The subscriber status a revocation records: <see cref="SubscriberStatus.Unsubscribed"/> when the subscription ended,
    /// <see cref="SubscriberStatus.Suspended"/> when it failed (subscribe-fail after it was active), as
    /// <see cref="MarkFailedAsync"/> records for a subscribe-fail before it was.
    /// </summary>
    public static SubscriberStatus SubscriberStatusAfterRevocation(SubscriptionStatus finalStatus) => finalStatus switch
    {
        SubscriptionStatus.Ended => SubscriberStatus.Unsubscribed,
        SubscriptionStatus.Failed => SubscriberStatus.Suspended,
        _ => throw new ArgumentOutOfRangeException(nameof(finalStatus), finalStatus, "A revocation ends in Ended or Failed."),
    };

    /// <summary>Removes the ACLs, revokes the certificate, tags the secret, records <paramref name="status"/> and restarts the onboarding.</summary>
    private async Task RevokeIssuedAsync(OnboardingState record, SubscriptionState state, SubscriberStatus status, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        X509Certificate2? certificate = null;
        if (record.CertificateArn is { } certificateArn)
        {
            var issued = await certificateAuthority.GetCertificateAsync(
                new GetCertificateRequest { CertificateAuthorityArn = options.CertificateAuthorityArn, CertificateArn = certificateArn },
                cancellationToken).ConfigureAwait(false);
            certificate = X509Certificate2.CreateFromPem(issued.Certificate);
        }

        using (certificate)
        {
            // The principal the ACLs were written for; a record that stopped before the ACL step may still have them
            // from an earlier attempt, so the certificate's subject is the fallback.
            var principal = record.KafkaPrincipal is { } stored ? KafkaPrincipal.Parse(stored)
                : certificate is not null ? KafkaPrincipal.FromCertificate(certificate)
                : (KafkaPrincipal?)null;
            if (principal is { } p)
            {
                var removed = await acls.RevokeAsync(p, cancellationToken).ConfigureAwait(false);
                LogAclsRemoved(logger, record.CustomerId, p.Value, removed.Removals.Count);
            }

            string? serial = null;
            if (certificate is not null)
            {
                serial = SerialOf(certificate);
                await RevokeCertificateAsync(record.CustomerId, serial, cancellationToken).ConfigureAwait(false);
            }

            if (record.SecretArn is { } secretArn)
            {
                List<SecretTag> tags =
                [
                    new() { Key = LifecycleActionsOptions.StatusTag, Value = CredentialsSecretTags.Revoked },
                    new() { Key = LifecycleActionsOptions.RevokedAtTag, Value = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) },
                ];
                if (serial is not null)
                {
                    tags.Add(new() { Key = LifecycleActionsOptions.RevokedSerialTag, Value = serial });
                }

                await secrets.TagResourceAsync(new TagResourceRequest { SecretId = secretArn, Tags = tags }, cancellationToken).ConfigureAwait(false);
            }
        }

        await EndPlanAsync(record, now, cancellationToken).ConfigureAwait(false);
        await SetSubscriberStatusAsync(record.Customer, status, cancellationToken).ConfigureAwait(false);
        await RestartOnboardingAsync(record, now, cancellationToken).ConfigureAwait(false);
        LogRevoked(logger, record.CustomerId, state.Key);
    }

    public async Task ReplanEntitlementsAsync(SubscriptionState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var record = await FindAsync(state, cancellationToken).ConfigureAwait(false);
        if (record?.KafkaPrincipal is null)
        {
            LogNotRegistered(logger, state.Key, "re-plan");
            return;
        }

        await ReplanAsync(record, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The onboarding record of the subscription: the subscriber it resolved to through the aliases when it did, else under
    /// any identity it may have been onboarded with.
    /// </summary>
    private async Task<OnboardingState?> FindAsync(SubscriptionState state, CancellationToken cancellationToken)
    {
        if (SubscriberAliases.StableIdOf(state.Key) is { } stableId
            && await onboarding.GetAsync(stableId, cancellationToken).ConfigureAwait(false) is { } resolved)
        {
            return resolved;
        }

        foreach (var identity in SubscriptionIdentities.Candidates(state.Subscription, options.ProductCode, licenseModelFirst: true))
        {
            if (await onboarding.GetAsync(identity.StableId, cancellationToken).ConfigureAwait(false) is { } record)
            {
                return record;
            }
        }

        return null;
    }

    private async Task ReplanAsync(OnboardingState record, SubscriptionState state, CancellationToken cancellationToken)
    {
        var principal = KafkaPrincipal.Parse(record.KafkaPrincipal!);
        var now = clock.GetUtcNow();
        IReadOnlyList<Entitlement> current = [];
        IReadOnlyList<string> topics;
        if (!state.GrantsAccess)
        {
            topics = [];
        }
        else if (options.ContractModel)
        {
            current = await GetEntitlementsAsync(record.Customer, cancellationToken).ConfigureAwait(false);
            var selection = feeds.Select(current, now);
            foreach (var unknown in selection.UnknownDimensions)
            {
                LogUnknownDimension(logger, record.CustomerId, unknown);
            }

            topics = selection.Topics;
        }
        else
        {
            topics = feeds.AllTopics;
        }

        var desired = topics.Count == 0
            ? new HashSet<AclRule>()
            : AclPlan.Desired(principal, topics, record.Customer.ConsumerGroupPrefix);
        var change = await acls.SyncAsync(principal, desired, cancellationToken).ConfigureAwait(false);
        LogReplanned(logger, record.CustomerId, topics.Count, change.Additions.Count, change.Removals.Count);

        var snapshot = await subscribers.GetEntitlementsAsync(record.CustomerId, cancellationToken).ConfigureAwait(false);
        await subscribers.SaveEntitlementsAsync(
            PlanHistory.Next(snapshot?.Value, record.Customer, current, topics, now), snapshot?.Version ?? 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records that the plan ended with the access it granted: the hours up to <paramref name="now"/> stay billed for it
    /// (final usage, late hourly runs), and a later subscription's first hour is not billed for this one's feeds.
    /// </summary>
    private async Task EndPlanAsync(OnboardingState record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var snapshot = await subscribers.GetEntitlementsAsync(record.CustomerId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null || snapshot.Value.Topics.Count == 0)
        {
            return; // no plan, or ended already (a repeated notification)
        }

        await subscribers.SaveEntitlementsAsync(
            PlanHistory.Next(snapshot.Value, record.Customer, [], [], now), snapshot.Version, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<Entitlement>> GetEntitlementsAsync(CustomerIdentity customer, CancellationToken cancellationToken)
    {
        var filter = customer.Model == CustomerIdentityModel.AccountAndLicense
            ? new Dictionary<string, List<string>> { [GetEntitlementFilterName.LICENSE_ARN] = [customer.LicenseArn!] }
            : new Dictionary<string, List<string>> { [GetEntitlementFilterName.CUSTOMER_IDENTIFIER] = [customer.CustomerIdentifier!] };
        var request = new GetEntitlementsRequest { ProductCode = customer.ProductCode ?? options.ProductCode, Filter = filter };
        var result = new List<Entitlement>();
        await foreach (var entitlement in entitlements.GetAllEntitlementsAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (entitlement.Dimension is not { Length: > 0 } dimension)
            {
                continue;
            }

            var quantity = entitlement.Value switch
            {
                { IntegerValue: { } integer } => integer,
                { BooleanValue: true } => 1,
                { DoubleValue: { } number } => (long)Math.Floor(number),
                { StringValue: { Length: > 0 } } => 1,
                _ => 0,
            };
            DateTimeOffset? expires = entitlement.ExpirationDate is { } date ? new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Utc)) : null;
            result.Add(new Entitlement(dimension, quantity, expires));
        }

        return result;
    }

    private async Task MeterFinalUsageAsync(OnboardingState record, DateTimeOffset endingAt, CancellationToken cancellationToken)
    {
        if (record.Step < OnboardingStep.AclsWritten)
        {
            return; // never had access, nothing to bill
        }

        // The entitlement plans are the only source, as for the hourly run: each hour is billed for the plans in force
        // during it, so a plan the lifecycle function emptied (every feed removed) bills nothing from the hour after it,
        // and the onboarding record's original topics are never billed.
        var snapshot = await subscribers.GetEntitlementsAsync(record.CustomerId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            LogFinalUsageWithoutPlan(logger, record.CustomerId);
            return;
        }

        var productCode = record.Customer.ProductCode ?? options.ProductCode;
        var subscription = new MeteredSubscription(
            SubscriptionIdentities.BillingRef(record.Customer, productCode), productCode, PlanTimeline.Of(snapshot.Value), record.StartedAt, endingAt);
        var report = await metering.SendFinalUsageAsync(subscription, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        LogFinalUsage(logger, record.CustomerId, report.EntriesCreated, report.Reported, report.Retrying);
    }

    /// <summary>The serial as ACM PCA writes it: lowercase hex pairs separated by colons.</summary>
    public static string SerialOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return string.Join(':', Convert.ToHexStringLower(certificate.SerialNumberBytes.Span).Chunk(2).Select(pair => new string(pair)));
    }

    private async Task RevokeCertificateAsync(string customerId, string serial, CancellationToken cancellationToken)
    {
        try
        {
            await certificateAuthority.RevokeCertificateAsync(
                new RevokeCertificateRequest
                {
                    CertificateAuthorityArn = options.CertificateAuthorityArn,
                    CertificateSerial = serial,
                    RevocationReason = RevocationReason,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (e.ErrorCode is "RequestAlreadyProcessedException")
        {
            LogAlreadyRevoked(logger, customerId, serial);
        }
    }

    private async Task SetSubscriberStatusAsync(CustomerIdentity customer, SubscriberStatus status, CancellationToken cancellationToken)
    {
        var stored = await subscribers.GetAsync(customer.StableId, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Value.Status == status)
        {
            return;
        }

        await subscribers.SaveAsync(stored.Value.WithStatus(status, clock.GetUtcNow()), stored.Version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts the customer's onboarding back to its start with the next certificate generation, so a later subscription
    /// (a new Marketplace token) runs a fresh onboarding and gets a new certificate instead of the revoked one.
    /// </summary>
    private async Task RestartOnboardingAsync(OnboardingState record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claim = await onboarding.TryClaimAsync(record.CustomerId, LifecycleActionsOptions.ClaimOwner, now, TimeSpan.FromMinutes(2), cancellationToken)
            .ConfigureAwait(false) ?? throw new ConcurrentUpdateException(
                $"The onboarding of {record.CustomerId} is claimed by another worker; the revocation will be retried.");
        try
        {
            var current = claim.State;
            if (current is { Step: OnboardingStep.TokenResolved, CertificateArn: null, SecretArn: null, KafkaPrincipal: null })
            {
                return; // restarted already (a repeated notification)
            }

            if (current.CertificateArn != record.CertificateArn || current.KafkaPrincipal != record.KafkaPrincipal)
            {
                // A registration issued a certificate or wrote ACLs after this revocation read the record: restarting now
                // would forget them while they still grant access. The retry reads the record again and revokes them too.
                throw new ConcurrentUpdateException(
                    $"The onboarding of {record.CustomerId} issued credentials while they were being revoked; the revocation will be retried.");
            }

            var restarted = OnboardingMachine.Start(current.Customer, now) with
            {
                Version = current.Version,
                CertificateGeneration = current.CertificateGeneration + 1,
                StartedAt = now,
            };
            await onboarding.SaveAsync(restarted, LifecycleActionsOptions.ClaimOwner, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await onboarding.ReleaseAsync(record.CustomerId, LifecycleActionsOptions.ClaimOwner, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Subscription {Subscription} has no onboarded customer yet; nothing to {Action}")]
    private static partial void LogNotRegistered(ILogger logger, string subscription, string action);

    [LoggerMessage(2, LogLevel.Information, "Removed {Count} ACLs of {CustomerId} ({Principal})")]
    private static partial void LogAclsRemoved(ILogger logger, string customerId, string principal, int count);

    [LoggerMessage(3, LogLevel.Information, "Revoked access of {CustomerId} (subscription {Subscription}); onboarding restarts on a new subscription")]
    private static partial void LogRevoked(ILogger logger, string customerId, string subscription);

    [LoggerMessage(4, LogLevel.Information, "Re-planned ACLs of {CustomerId}: {Topics} topics, {Added} added, {Removed} removed")]
    private static partial void LogReplanned(ILogger logger, string customerId, int topics, int added, int removed);

    [LoggerMessage(5, LogLevel.Warning, "Entitlement dimension {Dimension} of {CustomerId} maps to no feed (FEED_TOPICS_BY_DIMENSION)")]
    private static partial void LogUnknownDimension(ILogger logger, string customerId, string dimension);

    [LoggerMessage(6, LogLevel.Information, "Final usage of {CustomerId}: {Created} new ledger entries, {Reported} reported, {Retrying} pending")]
    private static partial void LogFinalUsage(ILogger logger, string customerId, int created, int reported, int retrying);

    [LoggerMessage(8, LogLevel.Error, "No final usage for {CustomerId}: the subscriber had access but no entitlement plan (the hourly run reports the same as MeteringSubscribersWithoutPlan)")]
    private static partial void LogFinalUsageWithoutPlan(ILogger logger, string customerId);

    [LoggerMessage(7, LogLevel.Information, "Certificate {Serial} of {CustomerId} was revoked already")]
    private static partial void LogAlreadyRevoked(ILogger logger, string customerId, string serial);
}
