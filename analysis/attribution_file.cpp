// Attribution files: loading and checking (analysis/attribution.hpp).
#include "analysis/attribution.hpp"

#include <cmath>
#include <set>

#include "engine/error.hpp"
#include "engine/toml_input.hpp"

namespace nisim::hk {
namespace {

class AttributionParser : TomlInput {
 public:
  using TomlInput::TomlInput;

  Attribution parse() {
    Attribution a;
    a.path = path_;
    toml::table root;
    a.text = read(root);
    bool has_table = false;
    for (auto&& [name, node] : root) {
      const std::string key(name.str());
      if (key == "attribution") {
        has_table = true;
        parse_attribution(node, a);
      } else if (key == "group") {
        parse_groups(node, a);
      } else {
        fail(pos_of(node), "key '" + key +
                               "': unknown key (an attribution file has [attribution] and "
                               "[[group]] tables)");
      }
    }
    if (!has_table) fail({file_, 1, 1}, "key 'attribution': no [attribution] table");
    if (a.base.empty()) fail(a.pos, "key 'attribution.base': the base scenario is missing");
    if (a.counterfactual.empty()) {
      fail(a.pos, "key 'attribution.counterfactual': the counterfactual scenario is missing");
    }
    if (a.groups.empty()) fail(a.pos, "key 'group': at least one [[group]] is needed");
    // A key two groups switch off must take one value, else a coalition's scenario would
    // depend on the order the groups are listed in.
    KeyValues seen;
    for (const AttributionGroup& g : a.groups) {
      for (const auto& [key, value] : g.off) {
        const auto [it, fresh] = seen.emplace(key, value);
        if (!fresh && !(it->second.first == value.first)) {
          fail(value.second, "key '" + key + "' (in group.off of '" + g.name +
                                 "'): another group sets it to " + to_toml(it->second.first) +
                                 "; groups sharing a key must set the same value");
        }
      }
    }
    if (a.groups.size() > k_max_players) {
      fail(a.groups[k_max_players].pos,
           "key 'group': at most " + std::to_string(k_max_players) + " groups");
    }
    if (a.permutations == 0 && a.groups.size() > k_max_exact_players) {
      fail(a.groups[k_max_exact_players].pos,
           "key 'group': " + std::to_string(a.groups.size()) +
               " groups are too many for exact Shapley values (at most " +
               std::to_string(k_max_exact_players) +
               "); set attribution.permutations to estimate them from sampled permutations");
    }
    return a;
  }

 private:
  /// Scenario keys of a table, nested tables flattened to dotted keys ("schemes.nifs.cap").
  void key_values(const toml::node& node, const std::string& prefix, const std::string& what,
                  KeyValues& out) const {
    const auto* table = node.as_table();
    if (table == nullptr) fail(pos_of(node), "key '" + what + "': expected a table of keys");
    for (auto&& [name, value] : *table) {
      const std::string key =
          prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
      if (value.is_table()) {
        key_values(value, key, what, out);
        continue;
      }
      ParamValue v;
      if (const auto* b = value.as_boolean()) {
        v = b->get();
      } else if (const auto* i = value.as_integer()) {
        v = i->get();
      } else if (const auto* f = value.as_floating_point()) {
        if (!std::isfinite(f->get())) fail(pos_of(value), "key '" + key + "': not finite");
        v = f->get();
      } else if (const auto* s = value.as_string()) {
        v = s->get();
      } else {
        fail(pos_of(value),
             "key '" + key + "' (in " + what + "): expected a boolean, number or string");
      }
      if (!out.emplace(key, std::make_pair(v, pos_of(value))).second) {
        fail(pos_of(value), "key '" + key + "' (in " + what + "): set twice");
      }
    }
  }

  void parse_attribution(const toml::node& node, Attribution& a) {
    const auto* table = node.as_table();
    if (table == nullptr) fail(pos_of(node), "key 'attribution': expected a table");
    a.pos = pos_of(node);
    for (auto&& [name, value] : *table) {
      const std::string key = "attribution." + std::string(name.str());
      if (key == "attribution.base") {
        a.base = scenario_file(value, key);
        a.base_pos = pos_of(value);
      } else if (key == "attribution.counterfactual") {
        a.counterfactual = scenario_file(value, key);
        a.counterfactual_pos = pos_of(value);
      } else if (key == "attribution.replications") {
        a.replications = integer(value, key, 1, 1'000'000);
      } else if (key == "attribution.seed") {
        a.seed = static_cast<std::uint64_t>(integer(value, key, 0, INT64_MAX));
      } else if (key == "attribution.year") {
        a.year = integer(value, key, 1900, 2200);
      } else if (key == "attribution.permutations") {
        a.permutations = integer(value, key, 0, k_max_permutations);
      } else if (key == "attribution.common_random_numbers") {
        const auto* b = value.as_boolean();
        if (b == nullptr) fail(pos_of(value), "key '" + key + "': expected true or false");
        a.common_random_numbers = b->get();
      } else if (key == "attribution.set") {
        key_values(value, "", key, a.set);
      } else {
        fail(pos_of(value), "key '" + key +
                                "': unknown key (attribution keys: base, counterfactual, "
                                "replications, seed, year, permutations, common_random_numbers, "
                                "set)");
      }
    }
  }

  void parse_groups(const toml::node& node, Attribution& a) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      fail(pos_of(node), "key 'group': expected [[group]] tables");
    }
    std::set<std::string> names;
    for (const toml::node& item : *array) {
      AttributionGroup g;
      g.pos = pos_of(item);
      bool has_off = false;
      for (auto&& [k, value] : *item.as_table()) {
        const std::string key = "group." + std::string(k.str());
        if (key == "group.name") {
          const auto* s = value.as_string();
          if (s == nullptr || s->get().empty()) {
            fail(pos_of(value), "key 'group.name': expected a non-empty string");
          }
          g.name = s->get();
        } else if (key == "group.off") {
          has_off = true;
          key_values(value, "", "group.off", g.off);
          if (g.off.empty()) {
            fail(pos_of(value),
                 "key 'group.off': empty; a group needs at least one key that "
                 "switches it off");
          }
        } else {
          fail(pos_of(value), "key '" + key + "': unknown key (group keys: name, off)");
        }
      }
      if (g.name.empty()) fail(g.pos, "key 'group.name': each [[group]] needs a name");
      if (!has_off) fail(g.pos, "key 'group.off': group '" + g.name + "' has no off keys");
      if (!names.insert(g.name).second) {
        fail(g.pos, "key 'group.name': two groups are named '" + g.name + "'");
      }
      a.groups.push_back(std::move(g));
    }
  }
};

}  // namespace

Attribution load_attribution(const std::filesystem::path& path) {
  return AttributionParser(path).parse();
}

}  // namespace nisim::hk
