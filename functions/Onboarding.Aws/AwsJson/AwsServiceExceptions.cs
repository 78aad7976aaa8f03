using System.Net;
using Amazon.Runtime;

namespace Onboarding.Aws.AwsJson;

/// <summary>
/// An error answer from an AWS JSON-protocol service. The message names the call, the resource and AWS's own
/// message; <see cref="AmazonServiceException.ErrorCode"/> holds AWS's error code. Error codes without a
/// dedicated subclass arrive as this type.
/// </summary>
public class AwsServiceException : AmazonServiceException
{
    public AwsServiceException(AwsErrorDetails details, Exception? innerException = null)
        : base(Describe(details), innerException, Classify(details), details.ErrorCode, details.RequestId, details.StatusCode)
    {
        Details = details;
    }

    public AwsErrorDetails Details { get; }

    /// <summary>e.g. "ACM PCA IssueCertificate".</summary>
    public string Operation => $"{Details.ServiceId} {Details.Operation}";

    public string? Resource => Details.Resource;

    /// <summary>The message AWS sent, unchanged.</summary>
    public string AwsMessage => Details.AwsMessage;

    private static ErrorType Classify(AwsErrorDetails details) =>
        (int)details.StatusCode >= 500 ? ErrorType.Receiver : ErrorType.Sender;

    private static string Describe(AwsErrorDetails d)
    {
        var resource = d.Resource is { Length: > 0 } r ? $" for {r}" : string.Empty;
        var attempts = d.Attempts > 1 ? $", after {d.Attempts} attempts" : string.Empty;
        return $"{d.ServiceId} {d.Operation} failed{resource}: {d.ErrorCode}: {d.AwsMessage} (HTTP {(int)d.StatusCode}, request id {d.RequestId ?? "none"}{attempts})";
    }
}

/// <summary>Everything known about one failed call. Holds no request body.</summary>
public sealed record AwsErrorDetails(
    string ServiceId,
    string Operation,
    string? Resource,
    string ErrorCode,
    string AwsMessage,
    HttpStatusCode StatusCode,
    string? RequestId,
    int Attempts);

public sealed class ResourceNotFoundException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class ResourceExistsException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidRequestException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidParameterException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class ValidationException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class ThrottlingException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InternalServiceErrorException(AwsErrorDetails details) : AwsServiceException(details);

// ACM PCA
public sealed class RequestInProgressException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class RequestFailedException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidStateException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidArnException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class MalformedCsrException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class LimitExceededException(AwsErrorDetails details) : AwsServiceException(details);

// Marketplace
public sealed class InvalidTokenException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class ExpiredTokenException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidProductCodeException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidCustomerIdentifierException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidUsageDimensionException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidUsageAllocationsException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class TimestampOutOfBoundsException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class DisabledApiException(AwsErrorDetails details) : AwsServiceException(details);

public static class AwsServiceExceptions
{
    /// <summary>Error codes a later attempt may not get (the SDK's throttling list).</summary>
    public static readonly IReadOnlySet<string> ThrottlingCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    public static bool IsRetryable(AwsErrorDetails details) =>
        (int)details.StatusCode >= 500 || details.StatusCode == HttpStatusCode.TooManyRequests || ThrottlingCodes.Contains(details.ErrorCode);

    /// <summary>Maps an error code to its exception type; unknown codes give <see cref="AwsServiceException"/>.</summary>
    public static AwsServiceException Create(AwsErrorDetails details) => details.ErrorCode switch
    {
        "ResourceNotFoundException" => new ResourceNotFoundException(details),
        "ResourceExistsException" => new ResourceExistsException(details),
        "InvalidRequestException" => new InvalidRequestException(details),
        "InvalidParameterException" or "InvalidParameterValueException" => new InvalidParameterException(details),
        "ValidationException" => new ValidationException(details),
        "ThrottlingException" or "Throttling" or "TooManyRequestsException" => new ThrottlingException(details),
        "InternalServiceErrorException" or "InternalServiceError" or "InternalFailure" or "ServiceUnavailable" => new InternalServiceErrorException(details),
        "RequestInProgressException" => new RequestInProgressException(details),
        "RequestFailedException" => new RequestFailedException(details),
        "InvalidStateException" => new InvalidStateException(details),
        "InvalidArnException" => new InvalidArnException(details),
        "MalformedCSRException" => new MalformedCsrException(details),
        "LimitExceededException" => new LimitExceededException(details),
        "InvalidTokenException" => new InvalidTokenException(details),
        "ExpiredTokenException" => new ExpiredTokenException(details),
        "InvalidProductCodeException" => new InvalidProductCodeException(details),
        "InvalidCustomerIdentifierException" => new InvalidCustomerIdentifierException(details),
        "InvalidUsageDimensionException" => new InvalidUsageDimensionException(details),
        "InvalidUsageAllocationsException" => new InvalidUsageAllocationsException(details),
        "TimestampOutOfBoundsException" => new TimestampOutOfBoundsException(details),
        "DisabledApiException" => new DisabledApiException(details),
        _ => new AwsServiceException(details),
    };
}
