using System.Globalization;
using System.Text;
using Onboarding.Core.Certificates;

namespace Onboarding.Core.Subscribers;

/// <summary>The outcome of validating a registration form: either a <see cref="Registration"/> or the field errors.</summary>
public sealed record RegistrationResult(Registration? Registration, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Registration is not null;

    /// <summary>The CSR's details when the buyer sent one and it passed.</summary>
    public ValidatedCsr? Csr { get; init; }
}

/// <summary>Server-side validation of the registration form. Pure; every problem is reported, not just the first.</summary>
public static class RegistrationValidator
{
    public const int MaxCompanyLength = 200;
    public const int MaxContactNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxPhoneLength = 32;

    public static RegistrationResult Validate(RegistrationForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var errors = new List<FieldError>();

        var company = Text(form.Company, "company", "Company", MaxCompanyLength, errors);
        var contact = Text(form.ContactName, "contactName", "Contact person", MaxContactNameLength, errors);
        var email = Email(form.Email, errors);
        var phone = Phone(form.Phone, errors);

        string? csrPem = null;
        ValidatedCsr? csr = null;
        switch (form.KeyChoice)
        {
            case KeyChoice.OwnCsr when string.IsNullOrWhiteSpace(form.CsrPem):
                errors.Add(new FieldError("csr", "Paste or upload a certificate signing request (CSR), or choose \"generate a key for me\"."));
                break;
            case KeyChoice.OwnCsr:
                var check = CsrValidator.Validate(form.CsrPem);
                if (check.Csr is { } valid)
                {
                    csr = valid;
                    csrPem = valid.Pem;
                }
                else
                {
                    errors.Add(new FieldError("csr", check.Error!));
                }

                break;
            case KeyChoice.GenerateKey when !string.IsNullOrWhiteSpace(form.CsrPem):
                errors.Add(new FieldError("csr", "Either send a CSR or choose \"generate a key for me\", not both."));
                break;
            case KeyChoice.GenerateKey:
                break;
            default:
                errors.Add(new FieldError("keyChoice", "Choose how to get a key: send a CSR or \"generate a key for me\"."));
                break;
        }

        return errors.Count == 0
            ? new RegistrationResult(new Registration(company!, contact!, email!, phone, form.KeyChoice, csrPem), errors) { Csr = csr }
            : new RegistrationResult(null, errors);
    }

    /// <summary>
    /// Null when <paramref name="value"/> may be shown and stored as text: no control or invisible formatting characters
    /// (bidirectional overrides would let a name display differently from what it is), no broken UTF-16.
    /// </summary>
    public static string? ForbiddenCharacterProblem(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return "contains an invalid character";
            }

            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control)
            {
                return c is '\n' or '\r' ? "must be on one line" : "contains a control character";
            }

            if (category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return "contains an invisible formatting character";
            }
        }

        return null;
    }

    private static string? Text(string? raw, string field, string label, int maxLength, List<FieldError> errors)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(new FieldError(field, $"{label} is required."));
            return null;
        }

        if (value.Length > maxLength)
        {
            errors.Add(new FieldError(field, $"{label} is too long: at most {maxLength} characters, got {value.Length}."));
            return null;
        }

        if (ForbiddenCharacterProblem(value) is { } problem)
        {
            errors.Add(new FieldError(field, $"{label} {problem}."));
            return null;
        }

        return value.Normalize(NormalizationForm.FormC);
    }

    private static string? Email(string? raw, List<FieldError> errors)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(new FieldError("email", "Email is required."));
            return null;
        }

        if (value.Length > MaxEmailLength)
        {
            errors.Add(new FieldError("email", $"Email is too long: at most {MaxEmailLength} characters."));
            return null;
        }

        if (!IsEmailShaped(value))
        {
            errors.Add(new FieldError("email", "Email must look like name@example.com."));
            return null;
        }

        return value;
    }

    // Deliberately plain: one @, a local part of printable ASCII without spaces or quotes, a domain of dot-separated
    // LDH labels with at least one dot. Whether the mailbox exists is not ours to know.
    private static bool IsEmailShaped(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at > 64)
        {
            return false;
        }

        var local = value.AsSpan(0, at);
        foreach (var c in local)
        {
            if (c <= ' ' || c >= 0x7f || c is '"' or '(' or ')' or ',' or ':' or ';' or '<' or '>' or '[' or ']' or '\\')
            {
                return false;
            }
        }

        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var labels = value[(at + 1)..].Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return labels[^1].All(char.IsAsciiLetter) && labels[^1].Length >= 2;
    }

    private static string? Phone(string? raw, List<FieldError> errors)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > MaxPhoneLength)
        {
            errors.Add(new FieldError("phone", $"Phone is too long: at most {MaxPhoneLength} characters."));
            return null;
        }

        var digits = value.Count(char.IsAsciiDigit);
        var allowed = value.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.' or '/');
        if (!allowed || digits is < 5 or > 15 || value.LastIndexOf('+') > 0)
        {
            errors.Add(new FieldError("phone", "Phone may hold digits, spaces, + - ( ) . / (5 to 15 digits), e.g. +1 206 555 0100."));
            return null;
        }

        return value;
    }
}
