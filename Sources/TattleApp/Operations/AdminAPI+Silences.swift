import FlyingFox
import Foundation

extension AdminAPI {
    /// The silence endpoints (filled in on the silence store).
    static var silenceEndpoints: [(Route, Handler)] { [] }
}
