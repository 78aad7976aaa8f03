using Microsoft.Extensions.Logging;

namespace Onboarding.Api.Onboarding;

/// <summary>Log events of the onboarding flow. Customer ids and ARNs only: never a token, session id, key or secret value.</summary>
internal static partial class OnboardingLog
{
    [LoggerMessage(1, LogLevel.Information, "Marketplace token resolved to customer {CustomerId} (product {ProductCode})")]
    public static partial void TokenResolved(ILogger logger, string customerId, string? productCode);

    [LoggerMessage(2, LogLevel.Warning, "Marketplace token rejected: {Status}")]
    public static partial void TokenRejected(ILogger logger, LandingStatus status);

    [LoggerMessage(3, LogLevel.Warning, "Marketplace token for product {ProductCode} refused: this landing page serves {ExpectedProductCode}")]
    public static partial void WrongProduct(ILogger logger, string? productCode, string expectedProductCode);

    [LoggerMessage(4, LogLevel.Warning, "Customer {CustomerId} is not entitled: {Reason}")]
    public static partial void NotEntitled(ILogger logger, string customerId, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Customer {CustomerId} is entitled to dimensions the feed catalogue does not know: {Dimensions}")]
    public static partial void UnknownDimensions(ILogger logger, string customerId, string dimensions);

    [LoggerMessage(6, LogLevel.Information, "Onboarding of {CustomerId}: {Action} done, now at {Step}")]
    public static partial void StepDone(ILogger logger, string customerId, Core.Onboarding.OnboardingAction action, Core.Onboarding.OnboardingStep step);

    [LoggerMessage(7, LogLevel.Error, "Onboarding of {CustomerId} failed during {Action}")]
    public static partial void StepFailed(ILogger logger, Exception exception, string customerId, Core.Onboarding.OnboardingAction action);

    [LoggerMessage(8, LogLevel.Information, "Onboarding of {CustomerId} completed: certificate {CertificateArn}, secret {SecretArn}, {TopicCount} topics")]
    public static partial void Completed(ILogger logger, string customerId, string? certificateArn, string? secretArn, int topicCount);

    [LoggerMessage(9, LogLevel.Information, "Onboarding of {CustomerId} is being worked on by another request")]
    public static partial void Busy(ILogger logger, string customerId);

    [LoggerMessage(10, LogLevel.Error, "Landing for a Marketplace token failed; the token use was forgotten so it can be posted again")]
    public static partial void LandingFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Information, "Credentials of {CustomerId} downloaded (private key included: {IncludesKey})")]
    public static partial void Downloaded(ILogger logger, string customerId, bool includesKey);

    [LoggerMessage(12, LogLevel.Warning, "ACM PCA call retried after {ErrorCode} (attempt {Attempt}, waiting {Delay})")]
    public static partial void AwsRetry(ILogger logger, string errorCode, int attempt, TimeSpan delay);

    [LoggerMessage(13, LogLevel.Warning, "Customer {CustomerId} refused: the recorded Marketplace subscription state is {Verdict}")]
    public static partial void SubscriptionInactive(ILogger logger, string customerId, Core.Lifecycle.RegistrationVerdict verdict);

    [LoggerMessage(14, LogLevel.Warning, "Customer {CustomerId}: identifier {IdentifierKey} already belongs to subscriber {OwnerId}; notifications carrying only it keep reaching that subscriber")]
    public static partial void AliasTaken(ILogger logger, string customerId, string identifierKey, string ownerId);

    [LoggerMessage(LogLevel.Information, "{Message}")]
    public static partial void LocalAcl(ILogger logger, string message);
}
