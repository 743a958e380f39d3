/// The Tencent Cloud regions Tattle knows, for `tattle check`'s spelling check of account regions.
///
/// A name not listed here is only a warning (Tencent Cloud opens regions over time); a near miss of a
/// listed one (`ap-guangzho`) is an error, since the API would answer every poll with
/// `UnsupportedRegion` or an empty fleet.
enum KnownRegions {
    /// The public regions (China site and international site) and the finance-cloud ones.
    static let all = [
        "ap-bangkok", "ap-beijing", "ap-beijing-fsi", "ap-chengdu", "ap-chongqing", "ap-guangzhou",
        "ap-guangzhou-open", "ap-hongkong", "ap-jakarta", "ap-mumbai", "ap-nanjing", "ap-qingyuan", "ap-seoul",
        "ap-shanghai", "ap-shanghai-fsi", "ap-shenzhen-fsi", "ap-singapore", "ap-taipei", "ap-tokyo",
        "eu-frankfurt", "eu-moscow", "na-ashburn", "na-siliconvalley", "na-toronto", "sa-saopaulo",
    ]

    /// `<area>-<city>[-<suffix>]`: lower-case letters and digits in two or three parts.
    static func isWellFormed(_ region: String) -> Bool {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        return (2...3).contains(parts.count)
            && parts.allSatisfy { part in
                !part.isEmpty && part.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
            }
    }
}
