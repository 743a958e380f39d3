import Curl

/// What `APIClient` sends requests through: Curl's `HTTPExecuting` (`CurlClient` in production, a
/// scripted fake in unit tests). Kept as a name of this module so callers need not import Curl's.
public typealias HTTPTransport = HTTPExecuting
