import ArgumentParser
import TattleApp

/// The options every command that calls the TAT API shares: region, endpoint, language.
struct APIOptions: ParsableArguments {
    @Option(help: "The region, sent as X-TC-Region. Default: $TENCENTCLOUD_REGION, else the CVM metadata service's.")
    var region: String?

    @Option(
        help: ArgumentHelp(
            "The API endpoint, http(s)://host[:port]. Default: $TATTLE_ENDPOINT, else https://tat.tencentcloudapi.com.",
            discussion: "Use https://tat.intl.tencentcloudapi.com for the international site, or a simulator's address."
        ))
    var endpoint: String?

    @Option(help: "The language of error messages: zh-CN or en-US. Default: the server's choice.")
    var language: String?

    /// The settings these options resolve to, against the process environment.
    func settings() throws -> APISettings {
        do {
            return try APISettings.resolve(region: region, endpoint: endpoint, language: language)
        } catch {
            throw ArgumentParser.ValidationError(error.description)
        }
    }

    mutating func validate() throws {
        _ = try settings()
    }
}
