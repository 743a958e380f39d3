/// Release-built benchmarks; scenarios land with their modules.
@main
struct Bench {
    static func main() async {
        print("tattle-bench: no scenarios yet")
    }
}
