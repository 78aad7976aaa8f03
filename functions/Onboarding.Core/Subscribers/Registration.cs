namespace Onboarding.Core.Subscribers;

/// <summary>How the subscriber gets a key pair.</summary>
public enum KeyChoice
{
    /// <summary>The buyer sends a CSR; the private key never leaves them (recommended).</summary>
    OwnCsr,

    /// <summary>We generate a key pair, keep it in Secrets Manager and offer it for download once.</summary>
    GenerateKey,
}

/// <summary>The registration form as submitted, before validation.</summary>
public sealed record RegistrationForm(
    string? Company,
    string? ContactName,
    string? Email,
    string? Phone,
    KeyChoice KeyChoice,
    string? CsrPem);

/// <summary>A validated registration: trimmed, within limits. <see cref="CsrPem"/> is set exactly when the buyer sent a CSR.</summary>
public sealed record Registration(
    string Company,
    string ContactName,
    string Email,
    string? Phone,
    KeyChoice KeyChoice,
    string? CsrPem);

/// <summary>One problem with one form field, worded for the person who filled the form in.</summary>
public sealed record FieldError(string Field, string Message);
